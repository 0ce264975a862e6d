// Applies the saved colour theme before the first paint (a same-origin file: the CSP forbids
// inline scripts). Without a saved choice the page follows prefers-color-scheme.
/* global document, localStorage */
try {
  const t = localStorage.getItem('confscope.theme');
  if (t === 'light' || t === 'dark') document.documentElement.dataset['theme'] = t;
} catch {
  // storage disabled: follow the system theme
}
