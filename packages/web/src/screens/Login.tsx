import { type FormEvent, useState } from "react";
import { ApiError, login } from "../api";
import { navigate } from "../router";
import { useTitle } from "../ui";

export function Login() {
  const [provider, setProvider] = useState(localStorage.getItem("outdesk.provider") ?? "");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useTitle("Sign in");

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(provider.trim(), email.trim(), password);
      localStorage.setItem("outdesk.provider", provider.trim());
      navigate("/", { replace: true });
    } catch (reason) {
      setError(reason instanceof ApiError ? reason.detail : "Cannot reach Outdesk. Is the server running?");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-label="Log in">
        <h1>Outdesk</h1>
        <p className="muted">Sign in to your help desk</p>
        <label>
          Workspace
          <input
            name="provider"
            value={provider}
            onChange={(e) => setProvider(e.target.value)}
            placeholder="northwind"
            required
          />
        </label>
        <label>
          Email
          <input
            name="email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoComplete="username"
            required
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        {error && (
          <div className="error-note" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
