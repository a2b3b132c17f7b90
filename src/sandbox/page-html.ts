/** The page's shell; everything else is drawn by client.js from the sandbox's state. */
export function pageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vigil sandbox</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/client.css">
<script type="module" src="/client.js"></script>
</head>
<body>
<div id="app" aria-busy="true"><p class="loading">Loading the sandbox…</p></div>
</body>
</html>
`;
}
