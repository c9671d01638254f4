"""Server-rendered pages: session login, CSRF on every form, security headers, nb/en."""
