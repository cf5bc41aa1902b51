"""The front desk's referral queue and referral page, and the referring providers.

The ModelAdmins are in models, the pages they add (a referral's actions, verifying a provider) in
pages. Every action calls a service in services.py.
"""

from .models import ReferralAdmin, ReferringProviderAdmin

__all__ = ["ReferralAdmin", "ReferringProviderAdmin"]
