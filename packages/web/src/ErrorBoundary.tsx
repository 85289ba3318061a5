import { Component, type ErrorInfo, type ReactNode } from "react";

/**
 * A render error shows an error screen in place of the screen that failed, never a blank page.
 * Give it a `resetKey` (the location) so moving elsewhere renders again.
 */
interface Props {
  children: ReactNode;
  resetKey?: string;
}
interface State {
  error: Error | null;
  key: string | undefined;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, key: undefined };

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("screen failed to render", error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="center-note" role="alert" data-testid="error-screen">
        <h1>Something went wrong</h1>
        <p className="muted">This screen could not be shown. Nothing was changed.</p>
        {/* A plain link: a full load starts the console afresh. */}
        <a href="/" className="button">
          Back to your tickets
        </a>
      </div>
    );
  }
}
