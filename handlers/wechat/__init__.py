"""The WeChat Official Account (公众号) channel: callback at /wechat, customer-service replies."""
