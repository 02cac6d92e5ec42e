"""The composition root and command line: the only package that knows every component.

``bot`` (the core), ``store``, ``scheduler`` and ``handlers`` (the channels)
never import it; it builds them, wires them together and runs them.
"""
