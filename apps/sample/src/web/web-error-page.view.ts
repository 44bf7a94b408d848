const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}

export interface ErrorPage {
  status: number;
  title: string;
  /** Plain text; `permission` is shown as code after it. */
  message: string;
  permission?: string;
  /** A second, muted line of plain text. */
  hint?: string;
  /** Where "Sign in as another user" returns to. */
  next: string;
  /** Whether to offer "Sign in as another user" (a 403: another account may have the permission). */
  signIn?: boolean;
}

/** A small server-rendered error page (403 and friends) in the look of the License page. */
export function renderErrorPage(page: ErrorPage): string {
  const permission = page.permission ? ` <code>${escapeHtml(page.permission)}</code>` : '';
  const login = `/login?next=${encodeURIComponent(page.next)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Liberty</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="app-header"><div class="app-header__bar"><a class="brand" href="/"><span class="brand__mark" aria-hidden="true"></span>Liberty</a></div></header>
<main id="main" class="narrow" tabindex="-1">
<section class="card error-card" aria-labelledby="error-title">
<p class="error-card__status">${page.status}</p>
<h1 id="error-title">${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.message)}${permission}.</p>
${page.hint ? `<p class="muted">${escapeHtml(page.hint)}</p>\n` : ''}<p class="error-card__actions"><a class="button button--primary" href="/">Go to Home</a>${
    page.signIn === false
      ? ''
      : ` <a class="button button--ghost" href="${escapeHtml(login)}">Sign in as another user</a>`
  }</p>
</section>
</main>
</body>
</html>
`;
}
