// Lets GOV.UK Frontend's styles know JavaScript is running. Loaded at the top of <body>
// as a file rather than inline, so the Content-Security-Policy needs no 'unsafe-inline'.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
