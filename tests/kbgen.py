"""Generate a large, varied knowledge base for scale benchmarks (deterministic for a seed)."""

from __future__ import annotations

import random
from pathlib import Path

SUBJECTS = """
museum library station airport harbour stadium theatre hospital school market bridge castle
cathedral gallery park garden zoo aquarium cinema concert hall exhibition festival conference
parliament embassy university laboratory factory farm vineyard restaurant cafe hotel hostel
pharmacy bakery bank post office police station fire station court prison tower lighthouse
monument memorial cemetery church mosque temple synagogue
""".split()
TOPICS = """
opening hours ticket prices parking accessibility history architecture collection director
budget staff guided tours audio guide wifi toilets cloakroom lockers lost property shop cafe
menu events schedule membership discounts school visits group bookings photography rules pets
strollers wheelchairs first aid exits fire drill security checks languages maps
""".split()
CITIES = """
paris berlin madrid rome vienna prague warsaw kyiv lisbon dublin oslo helsinki stockholm
copenhagen amsterdam brussels athens budapest bucharest sofia riga vilnius tallinn zagreb
belgrade sarajevo skopje tirana valletta nicosia bern luxembourg monaco andorra
""".split()
TEMPLATES = [
    "What are the {t} of the {s} in {c}?",
    "How do I find the {t} at the {c} {s}?",
    "Who is responsible for {t} at the {s} of {c}?",
    "When did the {s} in {c} change its {t}?",
    "Why is the {t} of the {c} {s} so famous?",
    "Where can I ask about {t} in the {s} near {c}?",
    "Is there any news about the {t} of the {s} in {c}?",
    "Can you tell me about {t} for the {c} {s}?",
]


def generate(count: int, seed: int = 1) -> str:
    """Seed-file text with ``count`` distinct entries."""
    rng = random.Random(seed)
    seen: set[str] = set()
    blocks = []
    while len(blocks) < count:
        s, t, c = rng.choice(SUBJECTS), rng.choice(TOPICS), rng.choice(CITIES)
        question = rng.choice(TEMPLATES).format(s=s, t=t, c=c.title())
        if question in seen:
            question = question.replace("?", f" number {len(blocks)}?")
        seen.add(question)
        words = [rng.choice(SUBJECTS + TOPICS + CITIES) for _ in range(rng.randint(20, 50))]
        blocks.append(f"{question}\nThe {s} in {c.title()} says: {' '.join(words)}.")
    return "\n-\n".join(blocks) + "\n"


def write(path: Path, count: int, seed: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(generate(count, seed), encoding="utf-8")
    return path
