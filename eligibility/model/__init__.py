"""Profiles and requests (layer 1: model)."""

from eligibility.model.dates import PartialDate, parse_partial_date
from eligibility.model.load import load_profile, parse_profile, parse_request
from eligibility.model.profile import Profile
from eligibility.model.request import Request

__all__ = ["PartialDate", "Profile", "Request", "load_profile", "parse_partial_date", "parse_profile", "parse_request"]
