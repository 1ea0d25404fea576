package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// ListenAndServe runs a sandbox on addr until ctx ends, then shuts the server down gracefully and
// closes the sandbox (writing the state file).
func ListenAndServe(ctx context.Context, addr string, cfg Config) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen: %w", err)
	}
	return Serve(ctx, ln, cfg)
}

// Serve is ListenAndServe on an open listener, which it closes.
func Serve(ctx context.Context, ln net.Listener, cfg Config) error {
	sb, err := New(cfg)
	if err != nil {
		_ = ln.Close()
		return err
	}
	return sb.Serve(ctx, ln)
}

// Serve serves the sandbox on ln until ctx ends, then shuts the server down gracefully (requests
// in flight get 10 seconds) and closes the sandbox. `connector sandbox` is a thin wrapper around it.
func (s *Sandbox) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.log.InfoContext(ctx, "sandbox: IWS sandbox listening", "url", "http://"+ln.Addr().String()+"/v1/",
		"skus", s.cfg.SKUs, "seed", s.cfg.Seed, "control", s.cfg.Control, "statusInterval", s.cfg.StatusInterval.String(),
		"state", s.cfg.StatePath)

	select {
	case err := <-served:
		return errors.Join(fmt.Errorf("sandbox: serve: %w", err), s.Close())
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if shutdownErr != nil {
		shutdownErr = fmt.Errorf("sandbox: shutdown: %w", shutdownErr)
	}
	closeErr := s.Close()
	s.log.InfoContext(ctx, "sandbox: stopped")
	return errors.Join(shutdownErr, closeErr)
}
