"""Laurel's standards library: Open Badges 3.0 / W3C VC 2.0 credentials.

Builds credentials, signs and verifies Data Integrity proofs (eddsa-rdfc-2022), did:web
and did:key documents, Bitstring Status Lists and baked images. No Django import here:
this package is usable from any script.
"""
