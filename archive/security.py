"""What the site answers to a login attempt that django-axes refuses (settings: AXES_*).

Plain text with the HTTP status for rate limiting and a Retry-After header, the same for
browsers and scripts: axes' own JSON answer to XMLHttpRequest allows every origin (CORS
`*`), which a login endpoint has no reason to do.
"""

import math

from django.conf import settings
from django.http import HttpResponse


def lockout_response(request, original_response=None, credentials=None):
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = math.ceil(cool_off.total_seconds() / 60)
    response = HttpResponse(
        f"Too many failed login attempts. Try again in {minutes} minutes.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
