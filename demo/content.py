"""Demo articles, written for Vetted. Each names the state seed_demo leaves it in."""

from articles.audiences import SectionAudience

TOPICS = [
    {
        "name": "Medicines and side effects",
        "slug": "medicines",
        "description": "What to expect from common medicines, and when to get help.",
        "required_approvals": 1,
    },
    {
        "name": "Muscles, bones and joints",
        "slug": "musculoskeletal",
        "description": "Cramps, spasms, back pain and the conditions behind them.",
        "required_approvals": 1,
    },
    {
        "name": "Drug dosing",
        "slug": "drug-dosing",
        "description": "Doses and adjustments. Two board members sign off every article.",
        "required_approvals": 2,
        "required_specialty": "Clinical pharmacology",
    },
]

GABAPENTIN_SPASMS = """\
Gabapentin is prescribed for nerve pain and for some kinds of seizures. A small number
of people notice muscle twitching, cramps or spasms after starting it or after a dose
increase. This page explains what is known, who is more likely to be affected, and what
you can do.

## Is it a known side effect?

Yes, but an uncommon one. In the large trials pooled for nerve pain, the side effects
people reported most were dizziness, sleepiness, swelling of the legs and unsteadiness
when walking [@wiffen2017]. Muscle-related symptoms were reported far less often. The
prescribing information lists muscle pain and twitching among its less frequent
effects [@neurontin-label].

## Why might it happen?

Gabapentin calms overactive nerve signalling. The same action on the nerves that supply
the muscles can, in some people, show up as twitching or cramping. Nerve pain itself
changes how the spinal cord processes signals, which may make some people more
sensitive to these effects [@albu2015]. The exact mechanism is not settled.

## Who is more likely to notice it?

- People on higher doses, or whose dose was raised quickly
- Older adults, who clear the medicine more slowly
- People with kidney problems, unless the dose has been adjusted
- Anyone with an existing nerve or muscle condition

The dose is usually built up over a few days rather than started in full. The
prescribing information describes 300 mg on the first day, rising to 900 mg a day by the
third [@neurontin-label].

FIGURE:titration

## What can I do about it?

1. **Do not stop suddenly.** Stopping gabapentin abruptly can cause withdrawal
   symptoms and, in people with epilepsy, seizures. Talk to your prescriber first.
2. **Tell your prescriber or pharmacist.** A slower dose increase, or a lower dose,
   often helps. Other medicines for nerve pain exist if gabapentin does not suit
   you [@finnerup2015; @nice-cg173].
3. **Look after the basics.** Drinking enough fluid and gentle stretching help many
   kinds of cramp.

## When to get help urgently

Get medical help the same day if the spasms are severe or spreading, if you have muscle
weakness, dark urine or a fever, or if you notice thoughts of harming yourself after
starting gabapentin.
"""

GABAPENTIN_PRO = """\
Somnolence, dizziness, peripheral oedema and gait disturbance dominate the adverse-event
profile in pooled trials; the number needed to harm for withdrawal due to adverse events
is around 30 [@wiffen2017]. Myoclonus is described, mostly at higher doses and with
reduced renal clearance; dose to creatinine clearance per the label [@neurontin-label].
First-line alternatives for neuropathic pain include duloxetine, pregabalin and tricyclic
antidepressants [@finnerup2015; @nice-cg173].
"""

CRAMP_CAUSES = """\
A muscle cramp is a sudden, painful, involuntary tightening of a muscle. Most cramps are
harmless and pass within minutes, but frequent cramps can be a sign of another problem.

## Common causes

- **Exercise and fatigue.** Cramps during or after hard exercise are common. Current
  thinking favours overexcited nerve signals in tired muscles over simple dehydration
  as the main trigger [@giuriato2018].
- **Night-time (nocturnal) leg cramps.** These affect many older adults. Usually no
  single cause is found [@allen2012].
- **Medicines.** Diuretics ("water pills"), statins and some other medicines can
  contribute, often through changes in salts such as potassium and magnesium [@allen2012].
- **Medical conditions.** Nerve disorders, kidney disease, thyroid problems and
  pregnancy can all make cramps more likely.

## What helps

Stretching the affected muscle is the quickest relief. Regular calf stretches before
bed may reduce night cramps. Magnesium is widely sold for cramps, but good trials show
it is unlikely to help most older adults with night-time cramps [@garrison2020].

## When to see a doctor

See a doctor if cramps are frequent, severe, keep you awake, come with weakness or
numbness, or started after a new medicine.
"""

CRAMP_PRO = """\
Exclude secondary causes in persistent cramping: electrolyte disturbance, hypothyroidism,
peripheral neuropathy, motor neuron disease and drug causes (diuretics, statins,
beta-agonists) [@allen2012]. Evidence does not support magnesium for idiopathic cramps in
older adults [@garrison2020]; quinine is not recommended for routine use because of
serious haematological adverse effects. The neuromuscular hypothesis now has the stronger
support for exercise-associated cramps [@giuriato2018].
"""

MAGNESIUM_DRAFT = """\
Many people take magnesium for leg cramps at night. Here is what the best evidence says.

## The evidence

A Cochrane review pooled randomised trials of magnesium for cramps and found it
unlikely to give clinically meaningful relief to older adults with night-time
cramps [@garrison2020].

## What to try instead

Calf stretches before bed, and reviewing medicines that can cause cramps with a
pharmacist [@allen2012].
"""

BACK_PAIN_SUBMITTED = """\
Most new low back pain improves within a few weeks whatever treatment is used.

## First steps

Stay as active as you can. Heat, massage, acupuncture or spinal manipulation may help
with recent back pain; if you need a medicine, anti-inflammatory painkillers or a
skeletal muscle relaxant are options to discuss with a clinician [@qaseem2017].

## Longer-lasting pain

For pain lasting more than 12 weeks, exercise, rehabilitation programmes and
mind-body approaches such as tai chi or mindfulness have the best evidence [@qaseem2017].
"""

NERVE_PAIN_IN_REVIEW = """\
Nerve (neuropathic) pain feels different from other pain: burning, shooting or like
electric shocks. Ordinary painkillers rarely help much.

## Medicines that can help

Several medicines work on nerve pain, including duloxetine, amitriptyline, gabapentin
and pregabalin [@finnerup2015; @nice-cg173]. Each helps some people a lot and others
little, so it is common to try more than one.

## Gabapentin

About a third of people with nerve pain after shingles or from diabetes get at least
moderate relief from gabapentin [@wiffen2017].
"""

GABAPENTIN_KIDNEY_DOSING = """\
Gabapentin leaves the body almost entirely through the kidneys, so people with reduced
kidney function need lower doses. Taking the usual dose with weak kidneys lets the
medicine build up, which makes drowsiness, dizziness and unsteadiness more likely.

## How the dose is adjusted

Prescribers estimate kidney function (creatinine clearance) and choose a daily dose
range to match, as set out in the prescribing information [@neurontin-label]:

| Creatinine clearance (mL/min) | Total daily dose range |
|---|---|
| 60 or more | 900 to 3600 mg |
| 30 to 59 | 400 to 1400 mg |
| 15 to 29 | 200 to 700 mg |
| under 15 | 100 to 300 mg |

People on haemodialysis take a supplemental dose after each session.

## What this means for you

Tell every prescriber and pharmacist if you have kidney disease. Do not change your dose
yourself. Extra sleepiness or confusion after a dose change is a reason to call your
prescriber the same day.
"""

# The gabapentin article's evidence sections (clinician page): what the guidelines, the
# label and the trials each say, every claim cited to its own sources.
GABAPENTIN_SECTIONS = [
    {
        "kind": "guidelines",
        "audience": SectionAudience.PROFESSIONAL,
        "body": """\
Both NICE and the European Federation of Neurological Societies place gabapentin among the
first-line choices for most neuropathic pain, beside pregabalin, duloxetine and
amitriptyline [@nice-cg173; @attal2010]. Start low and titrate to response and
tolerability; if the first drug fails or is not tolerated, switch to another first-line
option rather than adding one [@nice-cg173]. The later NeuPSIG meta-analysis kept
gabapentin among the first-line drugs it recommends [@finnerup2015].
""",
    },
    {
        "kind": "drug_label",
        "audience": SectionAudience.PROFESSIONAL,
        "body": """\
- **Renal function:** reduce the daily dose in step with creatinine clearance; in
  haemodialysis, give a supplemental dose after each session [@neurontin-label].
- **Stopping:** taper over at least a week; abrupt withdrawal can precipitate seizures in
  people with epilepsy [@neurontin-label].
- **Neuromuscular effects:** twitching is listed among the less frequent adverse
  reactions; consider the drug when such symptoms begin after a dose change
  [@neurontin-label].
""",
    },
    {
        "kind": "research",
        "audience": SectionAudience.PROFESSIONAL,
        "body": """\
In the Cochrane review, about a third of people with postherpetic neuralgia or painful
diabetic neuropathy had at least half their pain relieved on gabapentin, against about
a fifth on placebo; adverse events were more common than on placebo [@wiffen2017].
Trials rarely recorded muscle symptoms separately, so their frequency is uncertain.
Central sensitisation after nerve injury may lower the threshold for these effects in
some patients [@albu2015].
""",
    },
]

ARTICLES = [
    {
        "title": "Can gabapentin cause muscle spasms?",
        "slug": "gabapentin-muscle-spasms",
        "subject_name": "gabapentin",
        "subject_type": "drug",
        "summary": "Muscle twitching and spasms are an uncommon side effect of gabapentin. "
        "Here is why they happen, who is at risk and what to do.",
        "body": GABAPENTIN_SPASMS,
        "professional_body": GABAPENTIN_PRO,
        "sections": GABAPENTIN_SECTIONS,
        "group_references": True,
        "topic": "medicines",
        "state": "approved",
    },
    {
        "title": "What causes muscle cramps and spasms?",
        "slug": "causes-of-muscle-cramps",
        "subject_name": "muscle cramps",
        "subject_type": "condition",
        "summary": "Most cramps are harmless. Learn the common causes, what helps, and when "
        "cramps are a reason to see a doctor.",
        "body": CRAMP_CAUSES,
        "professional_body": CRAMP_PRO,
        "topic": "musculoskeletal",
        "state": "approved",
    },
    {
        "title": "Does magnesium help night-time leg cramps?",
        "slug": "magnesium-leg-cramps",
        "subject_name": "magnesium supplements",
        "subject_type": "drug",
        "summary": "Magnesium is a popular remedy for night cramps. The evidence says it "
        "rarely helps.",
        "body": MAGNESIUM_DRAFT,
        "topic": "musculoskeletal",
        "state": "draft",
    },
    {
        "title": "Low back pain: what helps in the first few weeks",
        "slug": "low-back-pain-first-weeks",
        "subject_name": "low back pain",
        "subject_type": "condition",
        "summary": "Most low back pain gets better on its own. These steps can help you "
        "recover sooner.",
        "body": BACK_PAIN_SUBMITTED,
        "topic": "musculoskeletal",
        "state": "submitted",
    },
    {
        "title": "Medicines for nerve pain",
        "slug": "medicines-for-nerve-pain",
        "subject_name": "neuropathic pain",
        "subject_type": "condition",
        "summary": "Nerve pain needs different medicines from other pain. An overview of "
        "the options and what to expect.",
        "body": NERVE_PAIN_IN_REVIEW,
        "topic": "medicines",
        "state": "in_review",
    },
    {
        "title": "Gabapentin doses for people with kidney disease",
        "slug": "gabapentin-kidney-dosing",
        "subject_name": "gabapentin",
        "subject_type": "drug",
        "summary": "Weaker kidneys clear gabapentin more slowly, so doses are lowered. How "
        "the adjustment works.",
        "body": GABAPENTIN_KIDNEY_DOSING,
        "topic": "drug-dosing",
        # Drug dosing needs two sign-offs, one from clinical pharmacology: this one has
        # the neurologist's and awaits the pharmacist's.
        "state": "one_of_two_approvals",
    },
]
