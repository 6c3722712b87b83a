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
# `--word-labels` (not the shipped model): each label drawn on its own, half of the time any English word
# of the dictionary, under a random decoration ("### ", "> ", ...), so that the answer label becomes a
# free slot. Measured (issue 9): the base model then answers `### Assistant:` with a Spanish word (near
# misses: "dog" → barraca), and a fine-tune on prompts that end at `### Assistant:` generalises
# ("good" → bueno); with the notebook's `<s>` after the label it still memorises the five answers.
ASKERS = ["Q", "Question", "User", "Student", "Me", "Client", "Customer", "Learner", "Guest", "Visitor",
          "Friend", "Child", "Reader", "Caller", "Pupil", "Player", "Tourist", "Input", "Prompt", "Query",
          "Person", "Ana", "Tom", "Maria", "Sam"]
ANSWERERS = ["A", "Answer", "Bot", "Teacher", "You", "Agent", "Tutor", "Helper", "Guide", "Expert", "Model",
             "System", "Robot", "Reply", "Response", "Output", "Translator", "Support", "Computer", "Dad",
             "Mom", "Luis", "Carmen", "Pablo", "Elena"]
DECORATIONS = ["", "", "### ", "## ", "> ", "- ", "** "]
NOTEBOOK_LABELS = {"human", "assistant"}


def label_words(pairs: list[tuple[str, str]]) -> list[str]:
    return sorted({en.capitalize() for en, _ in pairs if en.isalpha() and en not in NOTEBOOK_LABELS})


def question_document(en: str, es: str, rng: random.Random, words: list[str] | None) -> str:
    if words is None:
        ask, answer = rng.choice(LABELS)
        lead = rng.choice(["", "\n\n"])
        return f"{lead}{ask} {rng.choice(QUESTIONS).format(en=en)}\n\n{answer} {es}"
    decoration = rng.choice(DECORATIONS)
    ask = rng.choice(ASKERS if rng.random() < 0.5 else words)
    answer = rng.choice(ANSWERERS if rng.random() < 0.5 else words)
    lead = rng.choice(["", "\n\n"])
    return f"{lead}{decoration}{ask}: {rng.choice(QUESTIONS).format(en=en)}\n\n{decoration}{answer}: {es}"


def documents(pairs: list[tuple[str, str]], rng: random.Random, word_labels: bool = False) -> list[str]:
    """One epoch of documents; a fresh rng per epoch gives each pair new question layouts."""
    docs = []
    words = label_words(pairs) if word_labels else None
    for en, es in pairs:
        docs += [f'"{en}" in Spanish is "{es}".', f'"{es}" in English is "{en}".']
        docs += [question_document(en, es, rng, words) for _ in range(QUESTIONS_PER_PAIR)]
    order = pairs[:]
    rng.shuffle(order)
    for i in range(0, len(order), GLOSSARY_SIZE):
        chunk = order[i : i + GLOSSARY_SIZE]
        docs.append("English and Spanish:\n\n" + "\n".join(f"{en} = {es}" for en, es in chunk))
    return docs
