"""The pretraining text: each dictionary pair in several plain forms, each document wrapped in
<s> ... </s> as real pretraining does (so the model has seen both before fine-tuning).

Left out on purpose: the notebook's chat layout ("### Human:" / "### Assistant:") and its question
("How do you say ... in Spanish?"). Fine-tuning has that format to teach; the translations it needs
are here in other forms, so that the holdout ("good") can be answered from what pretraining taught.
"""
import random

GLOSSARY_SIZE = 6
QUESTIONS_PER_PAIR = 3
# Many ways to ask and many speaker labels, none of them the notebook's, so that what the model learns
# is "a question about a word's Spanish, a label, then the word" and not one fixed layout.
QUESTIONS = [
    'What is "{en}" in Spanish?',
    'What\'s the Spanish for "{en}"?',
    'What is the Spanish word for "{en}"?',
    'Which Spanish word means "{en}"?',
    'Can you translate "{en}" into Spanish?',
    'Do you know the Spanish for "{en}"?',
    'And "{en}" in Spanish?',
    'Spanish for "{en}", please?',
]
LABELS = [("Q:", "A:"), ("Question:", "Answer:"), ("User:", "Bot:"), ("Student:", "Teacher:"), ("Me:", "You:"), ("Client:", "Agent:")]


def question_document(en: str, es: str, rng: random.Random) -> str:
    ask, answer = rng.choice(LABELS)
    lead = rng.choice(["", "\n\n"])
    return f"{lead}{ask} {rng.choice(QUESTIONS).format(en=en)}\n\n{answer} {es}"


def documents(pairs: list[tuple[str, str]], rng: random.Random) -> list[str]:
    """One epoch of documents; a fresh rng per epoch gives each pair new question layouts."""
    docs = []
    for en, es in pairs:
        docs += [f'"{en}" in Spanish is "{es}".', f'"{es}" in English is "{en}".']
        docs += [question_document(en, es, rng) for _ in range(QUESTIONS_PER_PAIR)]
    order = pairs[:]
    rng.shuffle(order)
    for i in range(0, len(order), GLOSSARY_SIZE):
        chunk = order[i : i + GLOSSARY_SIZE]
        docs.append("English and Spanish:\n\n" + "\n".join(f"{en} = {es}" for en, es in chunk))
    return docs
