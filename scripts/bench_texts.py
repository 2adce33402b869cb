#!/usr/bin/env python3
"""Deterministic benchmark corpus for scripts/bench-executors.sh.

Prints N (default 1,000) English texts, one per line, composed from a seeded grammar of
news, science, technology, everyday and question sentences. Lengths vary on purpose, from
three-word fragments to multi-sentence paragraphs (about 4 to 200 MiniLM tokens), so that
batching and padding behave as with real job inputs. The same seed gives the same bytes on
every Python 3 (only random.Random.random/randrange/choice are used).

    python3 scripts/bench_texts.py [N] [SEED] > texts.txt
"""

import random
import sys

SUBJECTS = [
    "The city council", "A small bakery in Lyon", "The research team", "My neighbour",
    "The central bank", "Our support engineer", "The hospital", "A group of students",
    "The new compiler release", "The football club", "The museum", "A local farmer",
    "The airline", "Engineers at the plant", "The school board", "The startup",
    "The weather service", "Volunteers from the shelter", "The orchestra", "The court",
    "A retired teacher", "The mobile app", "The delivery company", "Scientists in Norway",
    "The mayor", "The database cluster", "The library", "A software developer",
    "The electric car maker", "The national park", "Residents of the old town",
    "The chess champion", "The ministry of health", "The translation model",
    "The coffee shop on the corner", "The rescue team", "The bridge inspector",
]
VERBS = [
    "announced", "rejected", "postponed", "celebrated", "investigated", "reported",
    "published", "approved", "criticised", "launched", "cancelled", "repaired", "measured",
    "questioned", "doubled", "reduced", "tested", "redesigned", "explained", "defended",
    "discovered", "replaced", "simplified", "documented", "planned",
]
OBJECTS = [
    "a plan to expand the tram network", "its quarterly results", "the price of bread",
    "a new treatment for migraine", "the opening of the winter market", "a security update",
    "the results of a ten-year study", "the budget for next year", "a faster search index",
    "the schedule for the summer festival", "a shortage of nurses", "the old water pipes",
    "the rainfall over the past month", "a proposal to ban cars downtown",
    "a vaccine trial with two thousand volunteers", "the interest rate", "the login page",
    "a program for elderly residents", "the migration of grey whales", "a memory leak",
    "the ticket prices", "the noise from the construction site", "a rare manuscript",
    "the carbon emissions of its factories", "a course on machine learning",
    "the timetable of the night trains", "the recipe for sourdough", "a broken elevator",
]
CLAUSES = [
    "after months of heated debate", "despite strong opposition from local businesses",
    "because demand grew faster than expected", "although the data are still preliminary",
    "while the rest of the country waited", "to the surprise of most analysts",
    "before the end of the fiscal year", "as part of a wider reform",
    "according to a statement released on Monday", "following complaints from residents",
    "without giving a clear reason", "after a series of small earthquakes",
    "in response to rising energy costs", "which had been delayed twice already",
    "so that users on slow connections can work offline", "once the snow had melted",
]
FOLLOW_UPS = [
    "Critics say the decision came too late.", "Nobody expects prices to fall soon.",
    "The full report will be published next week.", "Similar projects failed in the past.",
    "Local newspapers covered the story in detail.", "More details are expected on Friday.",
    "The change takes effect immediately.", "Several experts welcomed the move.",
    "It is the first time this has happened since 1998.", "The vote was unanimous.",
    "Some residents remain sceptical.", "The cost is estimated at four million euros.",
]
QUESTIONS = [
    "How do I reset my password?", "What is the capital of Australia?",
    "Why is the sky blue during the day?", "When does the next train to Berlin leave?",
    "Can you recommend a good book about the history of mathematics?",
    "Which programming language should I learn first?", "Is it safe to drink tap water here?",
    "How long does it take to boil an egg?", "What causes the northern lights?",
    "Where can I find the opening hours of the pharmacy?",
    "How many people live in Tokyo?", "What is the difference between a virus and a bacterium?",
    "Should I water tomato plants every day in the summer?",
    "Who wrote the novel about a whale and an obsessed captain?",
]
FRAGMENTS = [
    "Great service.", "Not worth the price.", "Delivery was late again.", "Works as expected.",
    "Highly recommended!", "Battery life is poor.", "Fresh bread every morning.",
    "Closed on Sundays.", "Free parking nearby.", "Terrible customer support.",
    "Best pizza in town.", "Screen cracked after a week.", "Quiet and comfortable rooms.",
]
PREFIXES = ["", "Quick question: ", "Sorry to bother you, but ", "Hi all. ", "Honest question. "]
ASKERS = ["my daughter", "a school project", "work", "my grandmother", "a pub quiz", "a blog post"]
ADJECTIVES = ["quiet", "crowded", "expensive", "modern", "historic", "remote", "busy", "small"]
PLACES = ["village", "harbour", "district", "campus", "valley", "market", "station", "island"]


def sentence(rng: random.Random) -> str:
    s = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.6:
        s += f" {rng.choice(CLAUSES)}"
    if rng.random() < 0.25:
        s += f" in the {rng.choice(ADJECTIVES)} {rng.choice(PLACES)}"
    return s + "."


def text(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        t = f"{rng.choice(FRAGMENTS)} {rng.randrange(1, 6)}/5."
        if rng.random() < 0.7:
            t = f"{rng.choice(FRAGMENTS)} {t}"
        return t
    if r < 0.30:
        t = rng.choice(PREFIXES) + rng.choice(QUESTIONS)
        if rng.random() < 0.7:
            t += f" I am asking for {rng.choice(ASKERS)}."
        return t
    if r < 0.70:
        return sentence(rng)
    if r < 0.90:
        parts = [sentence(rng)] + [rng.choice(FOLLOW_UPS) for _ in range(rng.randrange(1, 3))]
        return " ".join(parts)
    # A paragraph: several sentences, up to about 200 tokens.
    parts = [sentence(rng) for _ in range(rng.randrange(3, 8))]
    parts.insert(rng.randrange(len(parts)), rng.choice(FOLLOW_UPS))
    return " ".join(parts)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    rng = random.Random(seed)
    for _ in range(n):
        sys.stdout.write(text(rng) + "\n")


if __name__ == "__main__":
    main()
