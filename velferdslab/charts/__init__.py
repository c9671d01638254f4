"""Charts drawn once for pages and PDFs alike: SVG with real text, safe under a strict CSP."""
