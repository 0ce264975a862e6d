// One paper: title, authors, track, TL;DR and abstract with their math, keywords, links
// (OpenReview, PDF, arXiv, DOI, code), topic, entities, the same paper in other corpora,
// similar papers with the reason, BibTeX, reading list, and which fields enrichment filled.

import { useState } from 'preact/hooks';
import { api, type Paper } from '../api';
import {
  AuthorLinks,
  ListButton,
  PaperTitle,
  Status,
  Terms,
  TrackBadge,
  useAsync,
  usePage,
} from '../components';
import { bibtexEntry } from '../cite';
import { arxivUrl, doiUrl, keywordQuery, openreviewUrl, pdfUrl } from '../links';
import { itemOf } from '../readingList';
import { Link, paths } from '../router';
import { ExternalLink, fmt, MathText } from '../text';

/** How the provenance note names a field. */
const FIELD_NAMES: Record<string, string> = {
  title: 'title',
  authors: 'authors',
  track: 'track',
  abstract: 'abstract',
  links: 'links',
  keywords: 'keywords',
  tldr: 'TL;DR',
  externalIds: 'OpenReview/arXiv/DOI ids',
  decision: 'decision',
  pdf: 'PDF link',
};

/** Fields filled by enrichment, grouped by the source that filled them (the title apart). */
function enrichedBySource(provenance: Record<string, string> | undefined): [string, string[]][] {
  const by = new Map<string, string[]>();
  for (const [field, source] of Object.entries(provenance ?? {})) {
    if (field === 'title') continue;
    by.set(source, [...(by.get(source) ?? []), FIELD_NAMES[field] ?? field]);
  }
  return [...by];
}

export function PaperPage({ id }: { id: string }) {
  const paper = useAsync(() => api.paper(id), [id]);
  return <Status value={paper}>{(p) => <PaperView key={p.id} paper={p} />}</Status>;
}

function PaperView({ paper }: { paper: Paper }) {
  const page = usePage(paper.title ?? 'Untitled paper');
  const [copied, setCopied] = useState('');
  const [showBib, setShowBib] = useState(false);
  const paragraphs = paper.abstract.split(/\n\s*\n/).filter((p) => p.trim());
  const code = paper.entities?.codeLinks ?? [];
  const ids = paper.externalIds ?? {};
  const external: [string, string | null][] = [
    ['OpenReview', openreviewUrl(ids.openreview)],
    ['PDF', pdfUrl(paper.pdf)],
    ['arXiv', arxivUrl(ids.arxiv)],
    ['DOI', doiUrl(ids.doi)],
  ];
  const shown = new Set(external.map(([, url]) => url));
  const otherLinks = paper.links.filter((l) => !code.includes(l) && !shown.has(l));
  const keywords = (paper.keywords ?? []).flatMap((k) => {
    const q = keywordQuery(k);
    return q ? [{ k, q }] : [];
  });
  const titleSource = paper.provenance?.['title'];
  const enriched = enrichedBySource(paper.provenance);
  const item = itemOf(paper);
  const bib = bibtexEntry(item);
  return (
    <article class="paper">
      <header class="paper-head">
        <p class="kicker">
          <TrackBadge track={paper.track} /> <span class="muted">{paper.corpus}</span>
          {paper.decision && <> · decision: {paper.decision}</>}
          {paper.topic && (
            <>
              {' · '}
              <Link href={paths.topic(paper.topic.broad.id)}>{paper.topic.broad.label}</Link>
              {' › '}
              <Link href={paths.topic(paper.topic.fine.id)}>{paper.topic.fine.label}</Link>
            </>
          )}
        </p>
        <h1 tabIndex={-1} ref={page.ref}>
          <PaperTitle title={paper.title} />
        </h1>
        {titleSource && (
          <p class="provenance small">
            Title recovered from <strong>{titleSource}</strong>
          </p>
        )}
        <p class="paper-authors">
          <AuthorLinks authors={paper.authors} max={50} />
        </p>
        <div class="actions">
          <ListButton item={item} complete />
          <button
            type="button"
            onClick={() => {
              navigator.clipboard.writeText(bib).then(
                () => setCopied('BibTeX copied to the clipboard'),
                () => {
                  // No clipboard access (permission, insecure origin): show it to copy by hand.
                  setShowBib(true);
                  setCopied('Could not copy: the BibTeX is shown below');
                },
              );
            }}
          >
            Copy BibTeX
          </button>
          <span class="muted" role="status">
            {copied}
          </span>
        </div>
        {paper.alsoIn.length > 0 && (
          <p class="also-in">
            Also in:{' '}
            {paper.alsoIn.map((a, i) => (
              <span key={`${a.corpus}/${a.id}`}>
                {i > 0 ? ', ' : ''}
                {a.id === paper.id ? (
                  <>
                    corpus <strong>{a.corpus}</strong> (same id)
                  </>
                ) : (
                  <Link href={paths.paper(a.id)}>corpus {a.corpus}</Link>
                )}
              </span>
            ))}
          </p>
        )}
      </header>
      <div class="paper-layout">
        <div class="paper-main">
          {paper.tldr && (
            <section class="tldr" aria-labelledby="tldr-h">
              <h2 id="tldr-h">TL;DR</h2>
              <p>
                <MathText text={paper.tldr} />
              </p>
            </section>
          )}
          <section aria-labelledby="abstract-h">
            <h2 id="abstract-h">Abstract</h2>
            <div class="abstract">
              {paragraphs.map((p, i) => (
                <p key={i}>
                  <MathText text={p} />
                </p>
              ))}
            </div>
          </section>
          {keywords.length > 0 && (
            <section aria-labelledby="keywords-h">
              <h2 id="keywords-h">Keywords</h2>
              <ul class="chips keywords">
                {keywords.map(({ k, q }, i) => (
                  <li key={`${i}:${k}`}>
                    <Link href={paths.search(q)} aria-label={`Search keyword: ${k}`}>
                      {k}
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {(code.length > 0 ||
            otherLinks.length > 0 ||
            external.some(([, url]) => url !== null)) && (
            <section aria-labelledby="links-h">
              <h2 id="links-h">Links</h2>
              <ul class="links">
                {external.map(
                  ([label, url]) =>
                    url && (
                      <li key={label}>
                        <span class="badge">{label}</span> <ExternalLink url={url} />
                      </li>
                    ),
                )}
                {code.map((l) => (
                  <li key={l}>
                    <span class="badge">code</span> <ExternalLink url={l} />
                  </li>
                ))}
                {otherLinks.map((l) => (
                  <li key={l}>
                    <ExternalLink url={l} />
                  </li>
                ))}
              </ul>
            </section>
          )}
          <Entities paper={paper} />
          <details class="bibtex" open={showBib}>
            <summary>BibTeX</summary>
            <pre>{bib}</pre>
          </details>
          {paper.warnings.length > 0 && (
            <details class="warnings">
              <summary>Listing notes ({paper.warnings.length})</summary>
              <ul>
                {paper.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            </details>
          )}
          <p class="muted small">
            Source: {paper.source.path}:{paper.source.startLine}–{paper.source.endLine} · id{' '}
            <code>{paper.id}</code>
          </p>
          {enriched.map(([source, fields]) => (
            <p class="muted small provenance-fields" key={source}>
              Filled in from {source}: {fields.join(', ')}
            </p>
          ))}
        </div>
        <Similar id={paper.id} />
      </div>
    </article>
  );
}

function Entities({ paper }: { paper: Paper }) {
  const e = paper.entities;
  if (!e || (!e.datasets.length && !e.results.length)) return null;
  return (
    <section aria-labelledby="entities-h">
      <h2 id="entities-h">Datasets and reported results</h2>
      {e.datasets.length > 0 && (
        <p>
          Datasets:{' '}
          {e.datasets.map((d, i) => (
            <span key={d.name}>
              {i > 0 ? ', ' : ''}
              <Link
                href={paths.search(/\s/.test(d.name) ? `dataset:"${d.name}"` : `dataset:${d.name}`)}
              >
                {d.name}
              </Link>
              {d.mentions > 1 ? ` (${d.mentions}×)` : ''}
            </span>
          ))}
        </p>
      )}
      {e.results.length > 0 && (
        <div class="table-wrap">
          <table class="results-table">
            <caption class="visually-hidden">Reported results</caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Value</th>
                <th scope="col">Dataset</th>
                <th scope="col">Sentence</th>
              </tr>
            </thead>
            <tbody>
              {e.results.map((r, i) => (
                <tr key={i}>
                  <td>{r.metric}</td>
                  <td>
                    {r.value}
                    {r.condition ? ` (${r.condition})` : ''}
                  </td>
                  <td>{r.dataset ?? '–'}</td>
                  <td class="sentence">
                    <MathText text={r.sentence} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Similar({ id }: { id: string }) {
  const similar = useAsync(() => api.similar(id, 10), [id]);
  return (
    <aside class="similar" aria-labelledby="similar-h">
      <h2 id="similar-h">Similar papers</h2>
      <Status value={similar}>
        {(s) =>
          s.similar.length === 0 ? (
            <p class="muted">None found.</p>
          ) : (
            <ol class="similar-list">
              {s.similar.map((x) => (
                <li key={x.id}>
                  <Link href={paths.paper(x.id)} class="similar-link">
                    <PaperTitle title={x.title} />
                  </Link>
                  <div class="why">
                    similarity {fmt(x.score)} · semantic {fmt(x.reason.semantic)} · lexical{' '}
                    {fmt(x.reason.lexical)}
                  </div>
                  <Terms terms={x.reason.sharedTerms} label="Shared terms" />
                </li>
              ))}
            </ol>
          )
        }
      </Status>
    </aside>
  );
}
