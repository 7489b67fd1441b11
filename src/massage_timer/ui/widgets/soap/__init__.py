"""A SOAP note on screen: the four boxes that ask for one, and the view that shows one (:mod:`.boxes`)."""

from .boxes import SOAP_HINTS, SoapBox, SoapView

__all__ = ["SOAP_HINTS", "SoapBox", "SoapView"]
