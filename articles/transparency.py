"""Starting text of the site pages: the editorial policy, the disclaimers and the
transparency pages (about, funding, privacy, contact, corrections, copyright), created by
migrations 0012 and 0015 and edited by editors in the admin afterwards.

The privacy page names every cookie and every piece of browser storage the site uses;
tests/site/test_transparency_pages.py checks it against the code that sets them.
"""

from __future__ import annotations

PAGES: dict[str, tuple[str, str]] = {
    "about": (
        "About us and ownership",
        """\
Vetted Health publishes plain-language health articles written from published evidence
and checked by practising clinicians before anyone can read them.

## Who we are

Vetted Health is an independent publisher. It is owned by its founders and is not part of
a pharmaceutical company, a device maker, an insurer, a hospital group or a government
body. No outside investor has a say in what we publish.

## How we work

- **Writers** research and draft each article and cite a published source for every
  factual claim.
- **Our Medical Advisory Board** — doctors, pharmacists and other licensed clinicians,
  each named with their credentials on the advisory board page — checks every article
  against its sources before it goes live, and again at least once a year.
- **Editors** run the process, keep the site's policies up to date and answer the messages
  readers send us.

Every article shows who reviewed it, when it was last updated, when it was last reviewed
and what changed between versions. Read our editorial policy for the full process.

## What we are not

We do not diagnose, treat or give individual medical advice, and we cannot answer
questions about your own health. Please speak to your own doctor, pharmacist or nurse.
""",
    ),
    "funding-and-advertising": (
        "Funding and advertising policy",
        """\
## How we are funded

Vetted Health is paid for by its owners and by licensing fees from organisations that
republish our reviewed articles under a written agreement. Licensees do not see articles
before they are published and cannot change them.

## Advertising

Our pages carry **no advertising**: no display ads, no sponsored articles, no affiliate
links and no advertising or tracking scripts from anyone else. If we ever accept
advertising, we will say so here first, label every advertisement clearly as an
advertisement, keep it apart from the article text, and never place one beside an article
about the advertiser's own product.

## What we never accept

- Money, gifts or hospitality from makers of medicines, devices or supplements in return
  for coverage, or for leaving something out.
- Payment for a place in search results or on the home page.
- Requests to see or approve an article before it is published.

## Conflicts of interest

Members of our Medical Advisory Board declare their financial and professional interests
on their public profiles, and editors do not ask a reviewer to review an article in which
they have declared an interest. Staff and writers declare theirs to the editors.
""",
    ),
    "privacy": (
        "Privacy and cookies",
        """\
We collect as little about readers as we can. You do not need an account to read anything
on this site, and we run no analytics, advertising or tracking scripts.

## Cookies we set

**`audience`** (readers who choose a version of an article under "Reading as"; kept 1 year)
: Remembers whether you chose the version for patients and caregivers or the one for
  healthcare professionals, so that your browser opens that version next time. It holds
  only that choice.

**`vetted_reader`** (readers who answer "Was this helpful?"; kept 1 year)
: A random number, signed so that it cannot be forged, so that each reader's answer is
  counted once per article. It is not linked to your name or to anything else about you.

**`sessionid`** (staff who sign in to the editorial system only; at most 2 weeks)
: Keeps a writer, reviewer or editor signed in, until they sign out.

**`csrftoken`** (staff who sign in to the editorial system only; kept 1 year)
: Protects the editorial system's forms from being sent by other websites.

**`messages`** (staff only; until it is shown)
: Carries a one-off notice ("The article was saved") to the next page of the editorial
  system.

Readers' pages are the same for everyone and set no other cookies. None of our cookies is
used for advertising or shared with anyone.

## Stored in your browser

When you answer "Was this helpful?", your browser also keeps your answer in its own
storage (local storage, under `vetted:vote:` and the article's address) so that the
question is not asked again on that device. It never leaves your browser. Clearing your
browser's site data removes it. The editorial system may keep staff members' display
preferences (such as a light or dark theme) the same way.

## Your IP address

Like every website, our servers see the internet (IP) address your request comes from.
We use it:

- to limit how often one address can send forms or searches, so that the site stays
  available to everyone; these counters are kept in our cache for at most an hour, not in
  a database;
- to protect staff sign-in: failed sign-in attempts are recorded with the address and the
  browser's description, so that repeated guessing is locked out;
- in our servers' logs, kept for security and troubleshooting for a limited time.

## Messages you send us

If you use the contact form, we store your name, email address, message and any article
address you give, so that our editors can answer you and correct articles. We use them
for nothing else, and we delete messages once they are no longer needed.

## Your rights

You can ask us what we hold about you, and ask us to correct or delete it, through the
contact page.
""",
    ),
    "contact": (
        "Contact us",
        """\
Our editors read every message. Use the form below to:

- **report an error in an article**: tell us which article and what is wrong; if a
  correction is needed, it is reviewed by our Medical Advisory Board and noted on the
  article;
- ask a **general question** about the site or how we work;
- reach us for **press** enquiries.

We cannot give personal medical advice or answer questions about your own health. For
those, please contact your doctor, pharmacist or nurse.
""",
    ),
    "corrections-policy": (
        "Corrections policy",
        """\
We work hard to get every article right, and we correct mistakes openly.

## How to tell us

Use the contact page and choose "Report an error in an article". Please name the article
and, if you can, the sentence and the source that shows it is wrong.

## What happens next

1. An editor reads every report, usually within two working days.
2. If the article may be wrong, the writer prepares a corrected version and a member of
   our Medical Advisory Board reviews it against the sources, as for any change.
3. Errors that could affect someone's health or safety — a dose, an interaction, a
   warning — are treated first, and the article may be withdrawn until it is fixed.

## How corrections are shown

A corrected article says so near the top, with the date and a short note on what
changed. Every article's history lists each reviewed version with its date. We do not
silently change facts in a published article; we may fix spelling or layout without a
note.

## When an article is withdrawn

An article that is out of date or superseded is withdrawn; its address then says so
rather than disappearing.
""",
    ),
    "copyright": (
        "Copyright and reuse",
        """\
The articles, illustrations and design of this site are protected by copyright and owned
by Vetted Health, unless a credit says otherwise.

## What you may do without asking

- Link to any page.
- Quote a short passage, with a link to the article and "Vetted Health" as the source.
- Print or save an article for your own use or to hand to a patient or family member.

## What needs our written permission

- Republishing a whole article or a substantial part of it, on a website, in an app or
  in print.
- Using our text to train or build software products.
- Editing our articles and presenting them as reviewed by our Medical Advisory Board.

Ask through the contact page (choose "Press" or "General question").

## Other people's material

Images and figures carry their own credit and licence. Sources we cite belong to their
publishers; follow the links in each article's reference list to read them.
""",
    ),
    "editorial-policy": (
        "Editorial policy",
        """\
Every article on this site is written by our health writers and reviewed by a member of
our **medical advisory board** before it is published.

## How an article is reviewed

1. A writer drafts the article and cites every factual claim to a published source:
   clinical guidelines, systematic reviews, research studies or official drug labels.
2. A board member who did not write the article checks each claim against its sources,
   checks doses and safety statements, and either approves it or asks for changes.
3. Only approved articles are published. Each shows who reviewed it and when.

## Dates on our articles

- **Last updated** is when the content of the article last changed.
- **Last reviewed** is when a board member last confirmed it is accurate. Every article
  is reviewed again at least every 12 months.

## Independence

Writers and board members declare conflicts of interest on their public profiles, and
every article lists them under "Disclosures". We do not accept advertising from
manufacturers of the medicines we write about.
""",
    ),
    "medical-disclaimer": (
        "Medical disclaimer",
        """\
The information on this site is for general education. It is not a diagnosis and does
not replace advice from a doctor, pharmacist or other health professional who knows
your situation. Do not stop or change a medicine without talking to your prescriber.
In an emergency, call your local emergency number.
""",
    ),
    "patient-disclaimer": (
        "For patients and caregivers",
        """\
This article is general information, not medical advice for you. Talk to your doctor
or pharmacist before starting, stopping or changing any medicine. If you think you may
have a medical emergency, call your local emergency number now.
""",
    ),
    "professional-disclaimer": (
        "Professional medical disclaimer",
        """\
This information is intended for healthcare professionals. It supports, and does not
replace, clinical judgement. Verify doses and recommendations against primary
literature, local guidelines and the current product label before applying them to the
care of an individual patient.
""",
    ),
}
