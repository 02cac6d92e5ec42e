"""The WeChat settings: the channel is on only when configured, and refuses bad keys."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings
from bot.deps import Deps
from bot.engine import Engine
from handlers.web.app import make_app
from tests.utils.settings import make_settings
from tests.wechat.conftest import wechat_settings


def test_channel_is_on_only_with_app_id_secret_and_token() -> None:
    full = wechat_settings("http://127.0.0.1:1")
    assert make_settings(**full).wechat_enabled
    for missing in ("wechat_app_id", "wechat_app_secret", "wechat_token"):
        assert not make_settings(**(full | {missing: None})).wechat_enabled, missing
    assert not make_settings().wechat_enabled


def test_bad_aes_key_and_api_url_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIANGXIN_WECHAT_AES_KEY", "too-short")
    with pytest.raises(ConfigError, match="JIANGXIN_WECHAT_AES_KEY"):
        load_settings(_env_file=None)
    monkeypatch.delenv("JIANGXIN_WECHAT_AES_KEY")
    monkeypatch.setenv("JIANGXIN_WECHAT_API_URL", "api.weixin.qq.com")
    with pytest.raises(ConfigError, match="JIANGXIN_WECHAT_API_URL"):
        load_settings(_env_file=None)


async def test_without_wechat_settings_there_is_no_wechat_route(deps: Deps, engine: Engine) -> None:
    app = make_app(deps, engine)
    paths = {r.resource.canonical for r in app.router.routes() if r.resource is not None}
    assert "/wechat" not in paths and "/chat/wechat/oauth" not in paths
    assert "/chat" in paths
