import { raw } from "hono/html";

export function swaggerUiHtml() {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>Fanzha API</title>
          <link rel="stylesheet" href="/static/swagger-ui.css" />
        </head>
        <body>
          <div id="swagger"></div>
          <script src="/static/swagger-ui-bundle.js"></script>
          <script src="/static/api-docs.js"></script>
        </body>
      </html>
    </>
  );
}
