// Topics (both levels), one topic with its papers, one author with papers, co-authors, topics.

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type AuthorDetail, type Topic, type TopicDetail } from '../api';
import { PaperRow, PaperTitle, Status, Terms, useAsync, usePage } from '../components';
import { Link, navigate, paths } from '../router';

export function TopicsPage() {
  const page = usePage('Topics');
  const data = useAsync(async () => {
    const topics = await api.topics();
    const broad = topics.filter((t) => t.level === 1);
    // Titles of the central papers: each broad topic's detail lists its papers.
    const details = await Promise.all(broad.map((t) => api.topic(t.id).catch(() => null)));
    const titles = new Map<string, string | null>();
    for (const d of details) for (const p of d?.papers ?? []) titles.set(p.id, p.title);
    return { topics, broad, titles };
  }, []);
  return (
    <div class="topics-page">
      <h1 tabIndex={-1} ref={page.ref}>
        Topics
      </h1>
      <Status value={data}>
        {({ topics, broad, titles }) => {
          const max = Math.max(1, ...broad.map((t) => t.size));
          return (
            <>
              <p class="muted">
                {broad.length} broad areas and {topics.length - broad.length} fine topics, largest
                first. Each area lists its fine topics.
              </p>
              <ol class="topic-list">
                {broad.map((b) => (
                  <li key={b.id} class="topic-card">
                    <TopicHeader topic={b} max={max} />
                    <Central ids={b.centralPapers.slice(0, 3)} titles={titles} />
                    <ul class="subtopics" aria-label={`Fine topics of ${b.label}`}>
                      {topics
                        .filter((t) => t.level === 2 && t.parent === b.id)
                        .sort((x, y) => y.size - x.size)
                        .map((f) => (
                          <li key={f.id}>
                            <TopicHeader topic={f} max={max} small />
                            <Central ids={f.centralPapers.slice(0, 2)} titles={titles} />
                          </li>
                        ))}
                    </ul>
                  </li>
                ))}
              </ol>
            </>
          );
        }}
      </Status>
    </div>
  );
}

function TopicHeader({
  topic,
  max,
  small = false,
}: {
  topic: Topic;
  max: number;
  small?: boolean;
}) {
  const H = small ? 'h3' : 'h2';
  return (
    <div class="topic-head">
      <H>
        <Link href={paths.topic(topic.id)}>{topic.label}</Link>{' '}
        <span class="muted small">
          {topic.id} · {topic.size} papers
        </span>
      </H>
      <div class="bar" aria-hidden="true">
        <span style={{ width: `${Math.max(2, (100 * topic.size) / max)}%` }} />
      </div>
      <Terms terms={topic.terms.slice(0, small ? 6 : 10)} label={`Terms of ${topic.label}`} />
    </div>
  );
}

function Central({ ids, titles }: { ids: string[]; titles: Map<string, string | null> }) {
  if (!ids.length) return null;
  return (
    <ul class="central" aria-label="Central papers">
      {ids.map((id) => (
        <li key={id}>
          <Link href={paths.paper(id)}>
            <PaperTitle title={titles.get(id) ?? null} />
          </Link>
        </li>
      ))}
    </ul>
  );
}

export function TopicPage({ id }: { id: string }) {
  const data = useAsync(async () => {
    const [topic, all] = await Promise.all([api.topic(id), api.topics()]);
    return { topic, all };
  }, [id]);
  return (
    <Status value={data}>
      {({ topic, all }) => <TopicView key={topic.id} topic={topic} all={all} />}
    </Status>
  );
}

function TopicView({ topic, all }: { topic: TopicDetail; all: Topic[] }) {
  const page = usePage(topic.label);
  const parent = topic.parent ? all.find((t) => t.id === topic.parent) : undefined;
  const children = all.filter((t) => t.parent === topic.id).sort((a, b) => b.size - a.size);
  return (
    <div class="topic-page">
      <p class="kicker">
        <Link href="/topics">Topics</Link>
        {parent && (
          <>
            {' › '}
            <Link href={paths.topic(parent.id)}>{parent.label}</Link>
          </>
        )}
      </p>
      <h1 tabIndex={-1} ref={page.ref}>
        {topic.label}
      </h1>
      <p class="muted">
        {topic.level === 1 ? 'Broad area' : 'Fine topic'} {topic.id} · {topic.size} papers ·{' '}
        <Link href={paths.search(`topic:${topic.id}`)}>search within it</Link> ·{' '}
        <Link href={`/map?focus=${encodeURIComponent(topic.id)}`}>show on the map</Link>
      </p>
      <Terms terms={topic.terms} label="Terms" />
      {children.length > 0 && (
        <section>
          <h2>Fine topics</h2>
          <ul class="chips">
            {children.map((c) => (
              <li key={c.id}>
                <Link href={paths.topic(c.id)}>
                  {c.label} <span class="count">{c.size}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {topic.topAuthors.length > 0 && (
        <section>
          <h2>Top authors</h2>
          <ul class="chips">
            {topic.topAuthors.map((a) => (
              <li key={a.name}>
                <Link href={paths.search(`author:"${a.name}"`)}>
                  {a.name} <span class="count">{a.count}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h2>Papers (most central first)</h2>
        <ol class="paper-list">
          {topic.papers.map((p) => (
            <PaperRow key={p.id} paper={p} />
          ))}
        </ol>
      </section>
    </div>
  );
}

export function AuthorPage({ authorKey }: { authorKey: string }) {
  const [state, setState] = useState<
    { state: 'loading' } | { state: 'error'; error: string } | { state: 'ok'; data: AuthorDetail }
  >({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setState({ state: 'loading' });
    api.author(authorKey).then(
      (data) => live && setState({ state: 'ok', data }),
      async (e: unknown) => {
        // A guessed key (from a name on a paper): look the name up and go to the real key.
        if (e instanceof ApiError && e.status === 404) {
          const found = await api.authors(authorKey, 5).catch(() => []);
          const best = found.find((a) => a.key === authorKey) ?? found[0];
          if (live && best && best.key !== authorKey) {
            navigate(paths.author(best.key), { replace: true });
            return;
          }
        }
        if (live) setState({ state: 'error', error: e instanceof Error ? e.message : String(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [authorKey]);
  return <Status value={state}>{(a) => <AuthorView key={a.key} author={a} />}</Status>;
}

function AuthorView({ author }: { author: AuthorDetail }) {
  const page = usePage(author.name);
  const others = author.variants.filter((v) => v !== author.name);
  return (
    <div class="author-page">
      <p class="kicker">Author</p>
      <h1 tabIndex={-1} ref={page.ref}>
        {author.name}
      </h1>
      <p class="muted">
        {author.papers.length} {author.papers.length === 1 ? 'paper' : 'papers'}
        {others.length > 0 && <> · also written {others.join(', ')}</>} ·{' '}
        <Link href={paths.search(`author:"${author.name}"`)}>search their papers</Link>
      </p>
      <div class="author-layout">
        <section>
          <h2>Papers</h2>
          <ol class="paper-list">
            {author.papers.map((p) => (
              <PaperRow key={p.id} paper={p} />
            ))}
          </ol>
        </section>
        <aside>
          {author.topics.length > 0 && (
            <section>
              <h2>Topics</h2>
              <ul class="chips">
                {author.topics.map((t) => (
                  <li key={t.id}>
                    <Link href={paths.topic(t.id)}>
                      {t.label} <span class="count">{t.count}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {author.coauthors.length > 0 && (
            <section>
              <h2>Co-authors</h2>
              <ul class="chips">
                {author.coauthors.slice(0, 40).map((c) => (
                  <li key={c.key}>
                    <Link href={paths.author(c.key)}>
                      {c.name} <span class="count">{c.count}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </div>
    </div>
  );
}
