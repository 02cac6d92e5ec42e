"""The reliability ring borrows the WeChat ring's fake WeChat API."""

from tests.wechat.conftest import fake_wechat  # noqa: F401
