package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// newDemoCmd is a placeholder so the binary builds; its owner replaces this file.
func newDemoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Run the connector with an in-process IWS sandbox and demo shops",
		RunE: func(*cobra.Command, []string) error {
			return errors.New("demo: not implemented yet")
		},
	}
}
