"""`guidebook import`: hand-written Mintlify guides (.mdx) and published Markdown exports to YAML.

The importer works in three passes:

1. **Blocks.** A small MDX-tolerant scanner splits the page into blocks (headings, paragraphs,
   lists, code, `<Steps>`, callouts, images, unknown components), each with its source line.
   JSX/HTML elements are found with a tag lexer that understands quoted and `{...}` attribute
   values; their inner HTML is converted to Markdown with BeautifulSoup (`html.parser`).
2. **Mapping.** Blocks become the guide format, in source order:

   - frontmatter `title` (or the export's H1 "Connect X with Y – ... Hub") gives the connector
     name and, when it has one, the auth label; otherwise the label is inferred from headings
     and text and a warning says it was guessed. Flags override both.
   - the first `<Warning>` before any heading becomes `warning`, other callouts there become
     `callouts`; other content before the first heading becomes a section "Before you begin".
     The boilerplate intro ("If you've been directed to ...") and a default description are
     dropped with a warning: the generator writes its own.
   - `##` starts a section; `###` starts one too when it holds `<Steps>` (or follows steps),
     and is otherwise kept as a `###` heading in the section's content.
   - content keeps its order: `content`, then `list`, then `steps` is the order a section
     renders, so a bullet list only becomes `list` when no prose follows it (else it stays a
     Markdown list in `content`), and anything after the steps goes to a new section
     "<title> (continued)" with a warning.
   - **Nested or ordered lists** stay Markdown lists in `content` (the `list` key holds flat
     bullets only); nested ones are reported so the author can check them.
   - **Callouts** inside sections and steps become Markdown blockquotes (`> **Note:** ...`) at
     their place; only those before the first heading become `warning`/`callouts`.
   - Step images (`<Frame>`, `<img>`, `![]()`) become `images` (leading `/` removed: they are
     relative to the docs folder); text that followed an image is reported, since step
     images render after the step text. Images outside steps stay Markdown images in place,
     with their title. Paths relative to the source file (`./images/a.png`) are taken from
     the docs folder (`/images/a.png`); one that leads out of it (`../`) is reported.
   - Callout titles (`<Tip title="Pro tip">`) lead the callout's text in bold.
   - **Unmappable blocks** (`<Card>`, `<CardGroup>`, `<Tabs>`, `<Accordion>`, unknown
     components) are copied verbatim into `content` (JSX expression attributes such as
     `style={{...}}` removed) and reported with their line. Tables stay (or, from HTML,
     become) Markdown tables in `content`, reported too. HTML and MDX comments, invisible on
     the page (in a line or a whole line), are kept as YAML comments at the end of the file;
     code spans, fenced code (closed by a fence as long) and autolinks are never read as
     HTML; MDX `import`/`export` lines and `<Icon>`s are dropped with a warning.
   - hub-linking sections (headed "Linking your Account", "Connect with StackOne", "Use the
     API Key in the StackOne Hub": linking an account, or linking, connecting or using with,
     to or in StackOne or the Hub; a heading that only names the brand is an ordinary
     section; the export's `data-whitelabel-hide` block) become `fields` when a list of
     fields (or a sentence naming them in code spans) is found, and are then dropped with a
     warning: the generator renders its own hub block. Their callouts and unmappable blocks
     (`<Card>` ...) stay, as a section hidden in white-label builds, named in the warning.
     Without a field list their prose and steps stay too, as such a section, with a warning
     (the export's own hub block is dropped).
   - the category comes from a name prefix (`hris-workday.mdx`) or a category folder
     (`hris/workday.mdx`).
   - "StackOne Hub" becomes `{{ brand.hub }}` and "StackOne" `{{ brand.name }}` (outside
     fenced code and URLs; a code block naming StackOne is reported); literal `{{`, `{%` and
     `{#` are escaped as `{{ '{{' }}` and so on.
   - export `data-guide-scopes` become `scopes`; `data-guide-actions-json` becomes `actions`
     (a placeholder action declares scopes no action declares, with a warning).
3. **Output.** YAML (block scalars for multi-line text) checked with `load.load_text`.

Several files at once (`import_files`, module `batch`): a provider under several categories
becomes one connector (one name, `categories:`), and guides that would share a URL get
distinct auth slugs, each reported.

Modules, in the order they depend on each other: `report` (results, warnings, failures),
`tags` (the tag lexer), `blocks` (what the scanner produces), `parser` (the scanner: pass 1),
`writer` (output text and YAML: pass 3), `builder` (the mapping: pass 2), `convert` (one file,
all three passes), `batch` (several files).
"""

from __future__ import annotations

from .batch import ImportBatch, import_files
from .convert import import_file, import_text
from .report import ImportFailure, ImportResult, ImportWarning

__all__ = [
    "ImportBatch",
    "ImportFailure",
    "ImportResult",
    "ImportWarning",
    "import_file",
    "import_files",
    "import_text",
]
