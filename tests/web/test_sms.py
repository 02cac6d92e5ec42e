"""SMS providers: the offline log line, and Alibaba / Tencent against fake gateways.

Every documented error code of the two providers comes back as an ``SmsError``
carrying that code, marked retryable only where a later try can succeed.
"""

from __future__ import annotations

import logging

import pytest

from bot.sms import LogSms, SmsError
from handlers.sms import SmsConfigError, build
from handlers.sms.aliyun import AliyunSms
from handlers.sms.tencent import TencentSms
from tests.utils import fakesms
from tests.utils.fakesms import APP_ID, KEY_ID, KEY_SECRET, FakeGateway
from tests.utils.settings import make_settings

fake_aliyun = fakesms.fake_aliyun
fake_tencent = fakesms.fake_tencent

PHONE = "13800138000"


def _settings(provider: str, url: str, **over: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "sms_provider": provider,
        "sms_key_id": KEY_ID,
        "sms_key_secret": KEY_SECRET,
        "sms_app_id": APP_ID,
        "sms_sign_name": "匠心点单",
        "sms_template_login": "SMS_100001",
        "sms_template_status": "SMS_100002",
        "sms_template_offer": "SMS_100003",
        "sms_base_url": url,
    }
    values.update(over)
    return make_settings(**values)


async def test_log_provider_writes_one_info_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.sms")
    await LogSms().send(PHONE, "login_code", {"code": "123456"})
    (record,) = [r for r in caplog.records if r.name == "bot.sms"]
    assert record.levelno == logging.INFO
    assert (
        record.getMessage()
        == f"SMS to {PHONE}: 【匠心点单】您的验证码是 123456，5 分钟内有效。如非本人操作请忽略。"
    )


async def test_templates_take_only_their_own_variables() -> None:
    with pytest.raises(ValueError):
        await LogSms().send(PHONE, "login_code", {"code": "1", "text": "随便写的内容"})


def test_default_provider_is_log_and_real_ones_need_their_settings() -> None:
    assert isinstance(build(make_settings()), LogSms)
    with pytest.raises(SmsConfigError, match="JIANGXIN_SMS_KEY_ID"):
        build(make_settings(sms_provider="aliyun"))
    with pytest.raises(SmsConfigError, match="JIANGXIN_SMS_APP_ID"):
        build(_settings("tencent", "http://127.0.0.1:1/", sms_app_id=None))
    assert isinstance(build(_settings("aliyun", "http://127.0.0.1:1/")), AliyunSms)
    assert isinstance(build(_settings("tencent", "http://127.0.0.1:1/")), TencentSms)


# ---------------------------------------------------------------- Alibaba Cloud


async def test_aliyun_sends_a_signed_templated_sms(fake_aliyun: FakeGateway) -> None:
    sms = build(_settings("aliyun", fake_aliyun.url))
    await sms.send(PHONE, "order_status", {"code": "JX-000001", "status": "已认领", "link": "x"})
    assert fake_aliyun.sent == [
        {
            "phone": PHONE,
            "sign": "匠心点单",
            "template": "SMS_100002",
            "params": {"code": "JX-000001", "status": "已认领", "link": "x"},
        }
    ]
    assert fake_aliyun.bad_signatures == 0


ALIYUN_ERRORS = [
    ("isv.BUSINESS_LIMIT_CONTROL", False),
    ("isp.SYSTEM_ERROR", False),
    ("isp.GATEWAY_ERROR", False),
    ("isv.MOBILE_NUMBER_ILLEGAL", True),
    ("isv.MOBILE_COUNT_OVER_LIMIT", True),
    ("isv.TEMPLATE_MISSING_PARAMETERS", True),
    ("isv.SMS_TEMPLATE_ILLEGAL", True),
    ("isv.SMS_SIGNATURE_ILLEGAL", True),
    ("isv.INVALID_PARAMETERS", True),
    ("isv.INVALID_JSON_PARAM", True),
    ("isv.BLACK_KEY_CONTROL_LIMIT", True),
    ("isv.PARAM_LENGTH_LIMIT", True),
    ("isv.PARAM_NOT_SUPPORT_URL", True),
    ("isv.AMOUNT_NOT_ENOUGH", True),
    ("isv.OUT_OF_SERVICE", True),
    ("isv.PRODUCT_UN_SUBSCRIPT", True),
    ("isv.ACCOUNT_NOT_EXISTS", True),
    ("isv.ACCOUNT_ABNORMAL", True),
    ("isp.RAM_PERMISSION_DENY", True),
]


@pytest.mark.parametrize(("code", "permanent"), ALIYUN_ERRORS)
async def test_aliyun_errors_are_reported_with_their_code(
    fake_aliyun: FakeGateway, code: str, permanent: bool
) -> None:
    fake_aliyun.answers.append(code)
    sms = build(_settings("aliyun", fake_aliyun.url))
    with pytest.raises(SmsError) as err:
        await sms.send(PHONE, "login_code", {"code": "123456"})
    assert err.value.code == code and err.value.permanent is permanent


async def test_aliyun_wrong_secret_is_a_signature_error(fake_aliyun: FakeGateway) -> None:
    sms = build(_settings("aliyun", fake_aliyun.url, sms_key_secret="wrong"))
    with pytest.raises(SmsError) as err:
        await sms.send(PHONE, "login_code", {"code": "123456"})
    assert err.value.code == "SignatureDoesNotMatch" and err.value.permanent
    assert fake_aliyun.bad_signatures == 1 and not fake_aliyun.sent


async def test_an_unreachable_gateway_is_a_retryable_error() -> None:
    sms = build(_settings("aliyun", "http://127.0.0.1:9/"))
    with pytest.raises(SmsError) as err:
        await sms.send(PHONE, "login_code", {"code": "123456"})
    assert err.value.code == "Network" and not err.value.permanent


# ---------------------------------------------------------------- Tencent Cloud


async def test_tencent_sends_a_signed_templated_sms(fake_tencent: FakeGateway) -> None:
    sms = build(_settings("tencent", fake_tencent.url))
    await sms.send(PHONE, "login_code", {"code": "654321"})
    assert fake_tencent.sent == [
        {"phone": f"+86{PHONE}", "sign": "匠心点单", "template": "SMS_100001", "params": ["654321"]}
    ]


TENCENT_ERRORS = [
    ("AuthFailure.SecretIdNotFound", True),
    ("AuthFailure.SignatureExpire", True),
    ("RequestLimitExceeded", False),
    ("InternalError", False),
    ("InternalError.Timeout", False),
    ("InternalError.OtherError", False),
    ("LimitExceeded.PhoneNumberThirtySecondLimit", False),
    ("LimitExceeded.PhoneNumberOneHourLimit", False),
    ("LimitExceeded.DeliveryFrequencyLimit", False),
    ("LimitExceeded.PhoneNumberDailyLimit", True),
    ("InvalidParameterValue.IncorrectPhoneNumber", True),
    ("InvalidParameterValue.TemplateParameterFormatError", True),
    ("InvalidParameterValue.ContentLengthLimit", True),
    ("FailedOperation.InsufficientBalanceInSmsPackage", True),
    ("FailedOperation.ContainSensitiveWord", True),
    ("FailedOperation.TemplateIncorrectOrUnapproved", True),
    ("FailedOperation.SignatureIncorrectOrUnapproved", True),
    ("FailedOperation.PhoneNumberInBlacklist", True),
    ("UnauthorizedOperation.SmsSdkAppIdVerifyFail", True),
]


@pytest.mark.parametrize(("code", "permanent"), TENCENT_ERRORS)
async def test_tencent_errors_are_reported_with_their_code(
    fake_tencent: FakeGateway, code: str, permanent: bool
) -> None:
    fake_tencent.answers.append(code)
    sms = build(_settings("tencent", fake_tencent.url))
    with pytest.raises(SmsError) as err:
        await sms.send(PHONE, "login_code", {"code": "123456"})
    assert err.value.code == code and err.value.permanent is permanent


async def test_tencent_wrong_secret_is_a_signature_error(fake_tencent: FakeGateway) -> None:
    sms = build(_settings("tencent", fake_tencent.url, sms_key_secret="wrong"))
    with pytest.raises(SmsError) as err:
        await sms.send(PHONE, "login_code", {"code": "123456"})
    assert err.value.code == "AuthFailure.SignatureFailure" and err.value.permanent
    assert fake_tencent.bad_signatures == 1
