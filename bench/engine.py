"""The engine's time per recommendation over every eligible profile."""

from __future__ import annotations

import itertools
import statistics
import time
from typing import Any, get_args

from advisor.content import load_content
from advisor.engine import recommend
from advisor.profile import CareerStage, Motivation, Profile, ResearchAim, Role
from advisor.settings import settings

TARGET_US = 50.0


def eligible_profiles() -> list[Profile]:
    motivations = get_args(Motivation)
    subsets = [
        tuple(m for i, m in enumerate(motivations) if mask >> i & 1)
        for mask in range(2 ** len(motivations))
    ]
    return [
        Profile(
            healthcare_background=True,
            role=role,
            career_stage=stage,
            research_aim=aim,
            workplace=workplace,
            motivations=chosen,
        )
        for role, stage, aim, workplace in itertools.product(
            get_args(Role),
            get_args(CareerStage),
            get_args(ResearchAim),
            ("uk", "international", None),
        )
        for chosen in subsets
    ]


def run() -> dict[str, Any]:
    content = load_content(settings.content_dir)
    profiles = eligible_profiles()
    for profile in profiles:  # warm-up: first calls intern the change explanations
        recommend(profile, content.compiled_rules)
    clock = time.perf_counter_ns
    # Baseline in the same run: what one timed call of a trivial function costs here.
    empty = []
    for profile in profiles:
        start = clock()
        len(profile.motivations)
        empty.append(clock() - start)
    samples = []
    for profile in profiles:
        start = clock()
        recommend(profile, content.compiled_rules)
        samples.append(clock() - start)
    samples.sort()
    median_us = statistics.median(samples) / 1000
    return {
        "profiles": len(profiles),
        "median_us": round(median_us, 2),
        "p90_us": round(samples[int(len(samples) * 0.9)] / 1000, 2),
        "p99_us": round(samples[int(len(samples) * 0.99)] / 1000, 2),
        "timer_overhead_us": round(statistics.median(empty) / 1000, 3),
        "target_us": TARGET_US,
        "meets_target": median_us < TARGET_US,
    }
