// Boots Swagger UI on the element that names the OpenAPI document (kept out of the HTML so a strict CSP can forbid inline script).
window.addEventListener("load", () => {
  const el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.dataset.specUrl,
    domNode: el,
    deepLinking: true,
    tryItOutEnabled: true,
    persistAuthorization: true,
    // each operation shows its operationId, the name generated clients call it by (todo.listTodos())
    displayOperationId: true,
  });
});
