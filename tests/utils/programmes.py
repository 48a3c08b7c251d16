"""A second programme file for the tests: what an admissions team would add."""

from __future__ import annotations

from typing import Any

# A second programme, as an admissions team would write it: every detail stated, its own award
# names, an apply link for two awards only.
NORTHFIELD: dict[str, Any] = {
    "name": "Clinical Education programme",
    "institution": "Northfield School of Medicine",
    "source": "The programme's own prospectus, 2026",
    "awards": {
        "certificate": {
            "name": "PGCert",
            "credits": 60,
            "typical_duration": "1 year part-time",
            "apply_url": "https://apply.northfield.example/pgcert",
        },
        "diploma": {"name": "PGDip", "credits": 120, "typical_duration": "2 years part-time"},
        "masters": {
            "name": "MSc",
            "credits": 180,
            "typical_duration": "3 years part-time",
            "apply_url": "https://apply.northfield.example/msc",
        },
    },
    "duration": "Up to 5 years",
    "study_modes": ["Online"],
    "fees": "Published on the school's fees page",
    "contact": "clinical-education@northfield.example",
    "accent": "plum",
    "frame_sites": ["https://www.northfield.example"],
    "insights_token_env": "ADVISOR_INSIGHTS_TOKEN_NORTHFIELD",
}
