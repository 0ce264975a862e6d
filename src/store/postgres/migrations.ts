// Versioned schema for the PostgreSQL store, in its own schema `confscope` so a shared database
// keeps its other tables apart. Each entry moves the schema one version up; the store applies
// the pending ones in one transaction under an advisory lock and records each in
// confscope.schema_migrations, so two processes starting at once apply every step exactly once.

export interface PgMigration {
  version: number;
  description: string;
  sql: string;
}

export const PG_SCHEMA = 'confscope';

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'corpora and papers',
    // JSON columns keep the text exactly as written (json, not jsonb, which reorders keys), so a
    // record reads back in the same shape as from SQLite.
    sql: `
      CREATE TABLE confscope.corpora (
        name text PRIMARY KEY,
        source_path text NOT NULL,
        source_hash text NOT NULL,
        warnings json NOT NULL DEFAULT '[]',
        ingested_at timestamptz NOT NULL
      );
      CREATE TABLE confscope.papers (
        corpus text NOT NULL REFERENCES confscope.corpora(name) ON DELETE CASCADE,
        id text NOT NULL,
        ord integer NOT NULL,
        title text,
        authors json NOT NULL,
        track text,
        abstract text NOT NULL,
        links json NOT NULL,
        source_path text NOT NULL,
        start_line integer NOT NULL,
        end_line integer NOT NULL,
        warnings json NOT NULL,
        extras json NOT NULL DEFAULT '{}',
        content_hash text NOT NULL,
        PRIMARY KEY (corpus, id)
      );
      CREATE INDEX papers_by_id ON confscope.papers (id);
      CREATE INDEX papers_by_order ON confscope.papers (corpus, ord);`,
  },
  {
    version: 2,
    description: 'cached vectors and fitted models',
    sql: `
      CREATE TABLE confscope.embeddings (
        model text NOT NULL,
        content_hash text NOT NULL,
        dim integer NOT NULL,
        vector bytea NOT NULL,
        PRIMARY KEY (model, content_hash)
      );
      CREATE TABLE confscope.models (
        id text PRIMARY KEY,
        data bytea NOT NULL,
        created_at timestamptz NOT NULL
      );`,
  },
  {
    version: 3,
    description: 'full-text search: weighted tsvector and GIN index',
    // Diacritics are folded (NFKD, combining marks dropped) so "Gabor" finds "Gábor"; the
    // English configuration stems every field, authors included, so one tsquery fits them all.
    // Weights: title A, authors B, keywords C, abstract D. A stored generated column keeps the
    // document in step with every write path and is filled for existing rows by this step.
    // The GIN index skips its pending list (fastupdate off): ingest pays for the index entries
    // so that searches never scan an unmerged list.
    sql: `
      CREATE FUNCTION confscope.fold(t text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT regexp_replace(normalize(coalesce(t, ''), NFKD), '[\\u0300-\\u036f]', '', 'g') $$;
      CREATE FUNCTION confscope.search_doc(title text, authors json, extras json, abstract text)
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT
          setweight(to_tsvector('english'::regconfig, confscope.fold(title)), 'A') ||
          setweight(to_tsvector('english'::regconfig, confscope.fold(
            (SELECT string_agg(a, ', ') FROM json_array_elements_text(
              CASE WHEN json_typeof(authors) = 'array' THEN authors ELSE '[]'::json END) a))), 'B') ||
          setweight(to_tsvector('english'::regconfig, confscope.fold(
            (SELECT string_agg(k, ', ') FROM json_array_elements_text(
              CASE WHEN json_typeof(extras -> 'keywords') = 'array' THEN extras -> 'keywords'
                   ELSE '[]'::json END) k))), 'C') ||
          setweight(to_tsvector('english'::regconfig, confscope.fold(abstract)), 'D') $$;
      ALTER TABLE confscope.papers ADD COLUMN search tsvector
        GENERATED ALWAYS AS (confscope.search_doc(title, authors, extras, abstract)) STORED;
      CREATE INDEX papers_search ON confscope.papers USING gin (search) WITH (fastupdate = off);`,
  },
  {
    version: 4,
    description: 'staged streaming ingest',
    // Records appended in batches by a long ingest, invisible to readers until committed
    // (swapped into papers in one transaction); kept across a kill so the same source resumes.
    // The JSON columns are plain text here: they are compared as written, and checked as JSON
    // when they move into papers.
    sql: `
      CREATE TABLE confscope.staged_ingests (
        corpus text PRIMARY KEY,
        source_hash text NOT NULL,
        started_at timestamptz NOT NULL
      );
      CREATE TABLE confscope.staged_papers (
        corpus text NOT NULL REFERENCES confscope.staged_ingests(corpus) ON DELETE CASCADE,
        ord integer NOT NULL,
        id text NOT NULL,
        title text,
        authors text NOT NULL,
        track text,
        abstract text NOT NULL,
        links text NOT NULL,
        source_path text NOT NULL,
        start_line integer NOT NULL,
        end_line integer NOT NULL,
        warnings text NOT NULL,
        extras text NOT NULL,
        content_hash text NOT NULL
      );
      CREATE UNIQUE INDEX staged_papers_by_order ON confscope.staged_papers (corpus, ord);
      CREATE UNIQUE INDEX staged_papers_by_id ON confscope.staged_papers (corpus, id);`,
  },
];
