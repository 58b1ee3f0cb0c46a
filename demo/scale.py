# ruff: noqa: E501  (vocabulary tables read best one phrase per line)
"""Realistic-looking medical articles in any number, for measuring Vetted at scale.

Words follow a long-tailed distribution, as in real health writing: a few (pain,
treatment, symptoms) appear in most articles, most drug and condition names in few.
Everything is derived from the article's number, so a run is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

CONDITIONS = [
    "migraine", "diabetes", "hypertension", "asthma", "eczema", "psoriasis", "arthritis",
    "osteoporosis", "kidney disease", "heart failure", "atrial fibrillation", "epilepsy",
    "depression", "anxiety", "insomnia", "gout", "anaemia", "hypothyroidism", "COPD",
    "pneumonia", "bronchitis", "sinusitis", "otitis media", "conjunctivitis", "glaucoma",
    "cataract", "tinnitus", "vertigo", "sciatica", "fibromyalgia", "lupus", "coeliac disease",
    "Crohn's disease", "ulcerative colitis", "irritable bowel syndrome", "gallstones",
    "pancreatitis", "hepatitis", "cirrhosis", "urinary tract infection", "kidney stones",
    "prostate enlargement", "endometriosis", "polycystic ovary syndrome", "menopause",
    "shingles", "chickenpox", "measles", "influenza", "COVID-19", "Lyme disease",
    "neuropathic pain", "muscle cramps", "restless legs syndrome", "Parkinson's disease",
    "multiple sclerosis", "dementia", "stroke", "angina", "peripheral artery disease",
    "deep vein thrombosis", "varicose veins", "acne", "rosacea", "dandruff", "head lice",
    "scabies", "warts", "cold sores", "obesity", "high cholesterol", "sleep apnoea",
]  # fmt: skip
DRUGS = [
    "gabapentin", "pregabalin", "metformin", "insulin", "amlodipine", "lisinopril",
    "ramipril", "bisoprolol", "atorvastatin", "simvastatin", "warfarin", "apixaban",
    "rivaroxaban", "aspirin", "ibuprofen", "naproxen", "paracetamol", "codeine",
    "tramadol", "morphine", "sertraline", "fluoxetine", "citalopram", "amitriptyline",
    "duloxetine", "levothyroxine", "prednisolone", "salbutamol", "beclometasone",
    "omeprazole", "lansoprazole", "amoxicillin", "doxycycline", "clarithromycin",
    "nitrofurantoin", "ciprofloxacin", "furosemide", "spironolactone", "allopurinol",
    "colchicine", "methotrexate", "hydroxychloroquine", "sumatriptan", "propranolol",
    "topiramate", "levetiracetam", "lamotrigine", "sodium valproate", "donepezil",
    "levodopa", "ropinirole", "quinine", "melatonin", "zopiclone", "cetirizine",
    "loratadine", "montelukast", "tamsulosin", "finasteride", "alendronic acid",
]  # fmt: skip
SYMPTOMS = [
    "pain", "fatigue", "dizziness", "nausea", "headache", "swelling", "itching",
    "shortness of breath", "cough", "fever", "weight gain", "numbness", "tingling",
    "muscle weakness", "joint stiffness", "palpitations", "rash", "constipation",
    "diarrhoea", "heartburn", "blurred vision", "dry mouth", "low mood", "poor sleep",
]  # fmt: skip
PEOPLE = [
    "adults", "children", "older adults", "pregnant women", "teenagers", "people with kidney disease",
    "people over 65", "athletes", "shift workers", "carers",
]  # fmt: skip
TITLES = [
    "{drug} for {condition}: benefits and side effects",
    "What causes {symptom} in {condition}?",
    "{condition} in {people}: what helps",
    "Living with {condition}",
    "Can {drug} cause {symptom}?",
    "{condition}: symptoms, causes and treatment",
    "How {drug} works and how to take it",
    "When to see a doctor about {symptom}",
    "{drug} and {drug2}: can you take them together?",
    "Managing {symptom} with {condition}",
]
SENTENCES = [
    "Most people with {condition} notice {symptom} at some point, and it usually settles with simple measures.",
    "{drug} is one of the treatments doctors use for {condition}, but it does not suit everyone.",
    "In clinical trials, {drug} reduced {symptom} in about a third of {people} compared with placebo.",
    "Common side effects of {drug} include {symptom} and {symptom2}, which often ease after the first weeks.",
    "Pain relief is only one part of treatment; sleep, activity and mood matter as much.",
    "Your pharmacist can check whether {drug} interacts with other medicines you take.",
    "Do not stop taking {drug} suddenly without talking to your doctor first.",
    "If {symptom} comes on suddenly or is severe, seek medical help the same day.",
    "{people} may need a lower dose of {drug} because the body clears it more slowly.",
    "The evidence for {drug} in {condition} comes mainly from short trials in {people}.",
    "Keeping a diary of {symptom} helps your doctor judge whether treatment is working.",
    "Physical therapy and regular exercise improve {symptom} for many people with {condition}.",
    "Blood tests may be needed to check kidney function before and during treatment.",
    "Treatment for {condition} is usually reviewed after three months.",
    "Pain, stiffness and tiredness are often worse in the morning and improve with movement.",
    "Guidelines recommend trying lifestyle changes before starting long-term medicine.",
    "Some people find that {symptom} returns when treatment stops, so plans are made together.",
    "Alcohol can make {symptom} worse and adds to the drowsiness some medicines cause.",
]  # fmt: skip
HEADINGS = [
    "What is {condition}?", "Symptoms", "Causes", "Treatment", "Side effects",
    "Who should not take {drug}", "Living well", "When to get help", "Outlook",
]  # fmt: skip
TOPICS = [
    ("Medicines and side effects", "medicines-and-side-effects"),
    ("Heart and circulation", "heart-and-circulation"),
    ("Brain and nerves", "brain-and-nerves"),
    ("Lungs and breathing", "lungs-and-breathing"),
    ("Skin, hair and nails", "skin-hair-and-nails"),
    ("Bones, joints and muscles", "bones-joints-and-muscles"),
    ("Digestive health", "digestive-health"),
    ("Kidneys and urinary tract", "kidneys-and-urinary-tract"),
    ("Mental health", "mental-health"),
    ("Infections", "infections"),
    ("Women's health", "womens-health"),
    ("Men's health", "mens-health"),
    ("Children's health", "childrens-health"),
    ("Healthy ageing", "healthy-ageing"),
    ("Diabetes and hormones", "diabetes-and-hormones"),
    ("Eyes and ears", "eyes-and-ears"),
    ("Sleep", "sleep"),
    ("Pain", "pain"),
]


def _zipf_choice(rng: random.Random, words: list[str], skew: float = 1.1) -> str:
    """The first words of a list much more often than the last (a Zipf-like tail)."""
    weights = [1 / (rank + 1) ** skew for rank in range(len(words))]
    return rng.choices(words, weights=weights, k=1)[0]


@dataclass
class ScaleArticle:
    number: int
    title: str
    slug: str
    summary: str
    topic_index: int
    # The body of each revision in turn; the last is the live one.
    bodies: list[str] = field(default_factory=list)
    professional_body: str = ""


def _fill(template: str, rng: random.Random, **fixed: str) -> str:
    words = {
        "condition": _zipf_choice(rng, CONDITIONS),
        "drug": _zipf_choice(rng, DRUGS),
        "drug2": _zipf_choice(rng, DRUGS),
        "symptom": _zipf_choice(rng, SYMPTOMS, skew=1.3),
        "symptom2": _zipf_choice(rng, SYMPTOMS, skew=1.3),
        "people": rng.choice(PEOPLE),
        **fixed,
    }
    text = template.format(**words)
    return text[0].upper() + text[1:]


def article(
    number: int, *, source_keys: list[str], revisions: int, words: int = 800
) -> ScaleArticle:
    rng = random.Random(number)
    subject = {
        "condition": _zipf_choice(rng, CONDITIONS),
        "drug": _zipf_choice(rng, DRUGS),
        "symptom": _zipf_choice(rng, SYMPTOMS, skew=1.3),
    }
    title = _fill(rng.choice(TITLES), rng, **subject)
    summary = " ".join(_fill(rng.choice(SENTENCES), rng, **subject) for _ in range(2))
    cited = rng.sample(source_keys, k=min(len(source_keys), rng.randint(5, 15)))
    paragraphs: list[str] = []
    count = 0
    while count < words:
        if len(paragraphs) % 4 == 0:
            paragraphs.append("## " + _fill(rng.choice(HEADINGS), rng, **subject))
        sentences = [_fill(rng.choice(SENTENCES), rng, **subject) for _ in range(rng.randint(3, 6))]
        sentences[-1] = sentences[-1].rstrip(".") + f" [@{rng.choice(cited)}]."
        count += sum(len(s.split()) for s in sentences)
        paragraphs.append(" ".join(sentences))
    paragraphs.append("Sources: " + " ".join(f"[@{key}]" for key in cited) + ".")
    base = paragraphs
    bodies = []
    for revision in range(revisions):
        # Each revision edits the one before: a paragraph reworded, one added.
        edited = list(base)
        for _ in range(revision):
            edited.insert(
                rng.randrange(1, len(edited)), _fill(rng.choice(SENTENCES), rng, **subject)
            )
        bodies.append("\n\n".join(edited))
    professional = ""
    if number % 3 == 0:
        professional = (
            " ".join(_fill(rng.choice(SENTENCES), rng, **subject) for _ in range(4))
            + f" [@{cited[0]}]."
        )
    return ScaleArticle(
        number=number,
        title=title,
        slug=f"scale-{number}",
        summary=summary,
        topic_index=number % len(TOPICS),
        bodies=bodies,
        professional_body=professional,
    )
