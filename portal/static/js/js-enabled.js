// Marks the page as having JavaScript (and NHS.UK frontend support) before it paints; a file,
// not an inline script, so the Content-Security-Policy can be script-src 'self'.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
