import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";

/** The console arrives with the tickets issue; until then this page shows the API is up. */
function App() {
  const [health, setHealth] = useState<"checking" | "ok" | "down">("checking");
  useEffect(() => {
    fetch("/health")
      .then((response) => setHealth(response.ok ? "ok" : "down"))
      .catch(() => setHealth("down"));
  }, []);
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "4rem auto", lineHeight: 1.5 }}>
      <h1>Outdesk</h1>
      <p>The help desk for outsourced support providers.</p>
      <p>
        API: <strong>{health}</strong> · <a href="/v1/docs">API reference</a> ·{" "}
        <a href="/v1/openapi.json">OpenAPI document</a>
      </p>
    </main>
  );
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
