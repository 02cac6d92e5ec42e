"""Jiangxin (匠心点单): the platform-neutral core of the order-and-serve bot."""
