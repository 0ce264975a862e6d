// Links to a paper elsewhere (OpenReview forum, PDF, arXiv, DOI), built from its ids. Ids are
// corpus data: they are checked and percent-encoded into a fixed https URL, never used as a URL
// themselves; a PDF URL is kept only when it is http(s).

import { safeHref } from './text';

export function openreviewUrl(id: string | undefined): string | null {
  const v = id?.trim();
  return v ? `https://openreview.net/forum?id=${encodeURIComponent(v)}` : null;
}

/** An arXiv id as arXiv writes it: `2001.08361v2`, or old style `hep-th/9901001`. */
const ARXIV_ID = /^(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*\/\d{7})(?:v\d+)?$/i;

/** The arXiv id in `arXiv:…`, an arxiv.org URL or a bare id; null when it is not one. */
export function arxivId(s: string | undefined): string | null {
  const v = s
    ?.trim()
    .replace(/^https?:\/\/(?:www\.)?arxiv\.org\/(?:abs|pdf)\//i, '')
    .replace(/^arxiv:\s*/i, '');
  return v && ARXIV_ID.test(v) ? v : null;
}

export function arxivUrl(id: string | undefined): string | null {
  const v = arxivId(id);
  return v ? `https://arxiv.org/abs/${v}` : null;
}

/** The DOI (`10.NNNN/suffix`) in `doi:…`, a doi.org URL or a bare DOI; null when none. */
export function doiOf(s: string | undefined): string | null {
  const v = s
    ?.trim()
    .replace(/^https?:\/\/(?:dx\.)?doi\.org\//i, '')
    .replace(/^doi:\s*/i, '');
  return v && /^10\.\d{4,9}\/\S/.test(v) ? v : null;
}

/** The DOI's doi.org URL, each `/`-separated part of it percent-encoded. */
export function doiUrl(doi: string | undefined): string | null {
  const v = doiOf(doi);
  return v ? `https://doi.org/${v.split('/').map(encodeURIComponent).join('/')}` : null;
}

/** The PDF's URL when it is an absolute http(s) URL, else null. */
export function pdfUrl(url: string | undefined): string | null {
  return url ? safeHref(url) : null;
}

/** A search for papers with this keyword (`keywords:"…"`), or null when nothing is left of it. */
export function keywordQuery(keyword: string): string | null {
  const v = keyword.replace(/["“”]/g, ' ').replace(/\s+/g, ' ').trim();
  return v ? `keywords:"${v}"` : null;
}
