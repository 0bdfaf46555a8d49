"""Designs in the domain: an organization's certificate and badge designs, their versions,
the design each credential group uses, and the version each published credential keeps.

The drawing itself is laurel/design/ (a library without Django); this app stores layouts,
validates them with it at save, and renders credentials through it.
"""
