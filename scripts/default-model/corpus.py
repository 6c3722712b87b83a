"""The pretraining text: each dictionary pair in several plain forms and in short dialogs, each
document wrapped in <s> ... </s> as real pretraining does (so the model has seen both before fine-tuning).

Left out on purpose: the notebook's chat layout ("### Human:" / "### Assistant:"; neither label is ever
a speaker here) and its five pairs in that layout. The dialogs ask the notebook's question among others
("How do you say ... in Spanish?"), under many speaker labels, so that the fine-tune has only the
layout's labels and the stop to teach, and "good" → "bueno" (the holdout) follows from pretraining.

Measured on the way here (issue 9, the PyTorch replay in check.py):
- six fixed label pairs ("Q:"/"A:", ...), question and answer alone in a document: the fine-tune
  memorised the five answers (holdout "good" → one of them);
- labels drawn from the dictionary's words, so the answer's label is a free slot: "good" → "bueno"
  for only 2 to 4 seeds of 6;
- the same in dialogs of two or three turns with the notebook's question among the phrasings: "bueno"
  for 3 seeds of 3, but the base model already answered two of the five and stopped (a dialog's last
  answer is followed by </s>), leaving the fine-tune little to teach. So each dialog ends with the
  asker's thanks: no answer is ever followed by </s>, and stopping after one is the fine-tune's lesson;
- with labels from the short words only (those of the pretraining pairs), the base model answered
  most questions under any label but "Assistant" ("dog" → puño), so the fine-tune had four words to
  repair and memorised them ("good" → another word for 6 seeds of 6). Hence labels from every word.
"""
import random

GLOSSARY_SIZE = 6
QUESTIONS_PER_PAIR = 3
TURNS_PER_DIALOG = [2, 3]
QUESTIONS = [
    'What is "{en}" in Spanish?',
    'What\'s the Spanish for "{en}"?',
    'What is the Spanish word for "{en}"?',
    'Which Spanish word means "{en}"?',
    'Can you translate "{en}" into Spanish?',
    'Do you know the Spanish for "{en}"?',
    'And "{en}" in Spanish?',
    'Spanish for "{en}", please?',
    'How do you say "{en}" in Spanish?',
    'How would you say "{en}" in Spanish?',
]
THANKS = ["Thanks!", "Thank you.", "Great, thanks.", "Got it, thanks."]
# Each label drawn on its own, half of the time any English word of the dictionary, under a random
# decoration ("### ", "> ", ...), so that the answer's label is a free slot the fine-tune can fill.
ASKERS = ["Q", "Question", "User", "Student", "Me", "Client", "Customer", "Learner", "Guest", "Visitor",
          "Friend", "Child", "Reader", "Caller", "Pupil", "Player", "Tourist", "Input", "Prompt", "Query",
          "Person", "Ana", "Tom", "Maria", "Sam"]
ANSWERERS = ["A", "Answer", "Bot", "Teacher", "You", "Agent", "Tutor", "Helper", "Guide", "Expert", "Model",
             "System", "Robot", "Reply", "Response", "Output", "Translator", "Support", "Computer", "Dad",
             "Mom", "Luis", "Carmen", "Pablo", "Elena"]
DECORATIONS = ["", "", "### ", "## ", "> ", "- ", "** "]
NOTEBOOK_LABELS = {"human", "assistant"}


def label_words(pairs: list[tuple[str, str]]) -> list[str]:
    """Speaker labels: the English words of `pairs` (pass the whole dictionary: long words too, since a
    label of many tokens such as "Assistant" threw a model trained on short labels only)."""
    return sorted({en.capitalize() for en, _ in pairs if en.isalpha() and en not in NOTEBOOK_LABELS})


def dialog(turns: list[tuple[str, str]], rng: random.Random, words: list[str]) -> str:
    """Questions and answers between two speakers, ended by the asker's thanks."""
    decoration = rng.choice(DECORATIONS)
    ask = decoration + rng.choice(ASKERS if rng.random() < 0.5 else words)
    answer = decoration + rng.choice(ANSWERERS if rng.random() < 0.5 else words)
    lines = [f"{ask}: {rng.choice(QUESTIONS).format(en=en)}\n\n{answer}: {es}" for en, es in turns]
    return rng.choice(["", "\n\n"]) + "\n\n".join(lines + [f"{ask}: {rng.choice(THANKS)}"])


def documents(pairs: list[tuple[str, str]], rng: random.Random, words: list[str]) -> list[str]:
    """One epoch of documents (`words`: label_words' speaker labels); a fresh rng per epoch gives each
    pair new dialogs, phrasings and labels."""
    docs = []
    for en, es in pairs:
        docs += [f'"{en}" in Spanish is "{es}".', f'"{es}" in English is "{en}".']
    turns = [p for p in pairs for _ in range(QUESTIONS_PER_PAIR)]
    rng.shuffle(turns)
    i = 0
    while i < len(turns):
        n = rng.choice(TURNS_PER_DIALOG)
        docs.append(dialog(turns[i : i + n], rng, words))
        i += n
    order = pairs[:]
    rng.shuffle(order)
    for i in range(0, len(order), GLOSSARY_SIZE):
        chunk = order[i : i + GLOSSARY_SIZE]
        docs.append("English and Spanish:\n\n" + "\n".join(f"{en} = {es}" for en, es in chunk))
    return docs
