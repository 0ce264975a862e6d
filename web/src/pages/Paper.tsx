// One paper: title, authors, track, abstract with its math, code links, topic, entities,
// similar papers with the reason, BibTeX, reading list.

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
import { bibtexEntry } from '../exporters';
import { Link, paths } from '../router';
import { ExternalLink, fmt, MathText } from '../text';

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
  const otherLinks = paper.links.filter((l) => !code.includes(l));
  const item = {
    id: paper.id,
    title: paper.title,
    authors: paper.authors,
    track: paper.track,
    corpus: paper.corpus,
  };
  const bib = bibtexEntry(item);
  return (
    <article class="paper">
      <header class="paper-head">
        <p class="kicker">
          <TrackBadge track={paper.track} /> <span class="muted">{paper.corpus}</span>
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
        <p class="paper-authors">
          <AuthorLinks authors={paper.authors} max={50} />
        </p>
        <div class="actions">
          <ListButton item={item} />
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
      </header>
      <div class="paper-layout">
        <div class="paper-main">
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
          {(code.length > 0 || otherLinks.length > 0) && (
            <section aria-labelledby="links-h">
              <h2 id="links-h">Links</h2>
              <ul class="links">
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
