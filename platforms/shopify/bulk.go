package shopify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/intcomex-connector/connector/platforms"
)

// bulkProductSet runs productSet for every prepared item through bulk
// operations (bulkRun) and maps each result line to its item's result.
func (c *Client) bulkProductSet(ctx context.Context, vars []*productSetVars, results []platforms.ItemResult) ([]platforms.ItemResult, error) {
	lines := make([]any, len(vars))
	for i, v := range vars {
		if v != nil {
			lines[i] = v
		}
	}
	err := c.bulkRun(ctx, OpProductSet, lines, func(i int, data json.RawMessage, err error) {
		if err != nil {
			results[i].Err = fmt.Errorf("shopify: productSet %s: %w", results[i].Ref.SKU, err)
			return
		}
		var d struct {
			ProductSet productSetPayload `json:"productSet"`
		}
		if err := json.Unmarshal(data, &d); err != nil {
			results[i].Err = fmt.Errorf("shopify: productSet %s: decode result: %w", results[i].Ref.SKU, err)
			return
		}
		results[i] = d.ProductSet.result(results[i].Ref)
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// bulkRun runs the mutation op once per non-nil entry of vars through bulk
// operations: the JSONL variables are cut into files of at most
// BulkFileLimit bytes, each is staged (stagedUploadsCreate + upload), run
// (bulkOperationRunMutation), polled (bulkOperation) until it finishes, and
// its result lines are handed to onItem with the index of their entry (or
// the line's error). Operations run one after the other. A bulk run that
// fails before anything was applied is the error returned; after that, the
// remaining entries get it through onItem, and so does an entry without a
// result line.
func (c *Client) bulkRun(ctx context.Context, op string, vars []any, onItem func(i int, data json.RawMessage, err error)) error {
	type chunk struct {
		items []int // index of each JSONL line's entry
		buf   bytes.Buffer
	}
	var chunks []*chunk
	cur := &chunk{}
	for i, v := range vars {
		if v == nil {
			continue
		}
		line, err := json.Marshal(v)
		if err != nil {
			onItem(i, nil, fmt.Errorf("encode: %w", platforms.ErrInvalid))
			continue
		}
		if cur.buf.Len() > 0 && cur.buf.Len()+len(line)+1 > c.cfg.BulkFileLimit {
			chunks = append(chunks, cur)
			cur = &chunk{}
		}
		cur.buf.Write(line)
		cur.buf.WriteByte('\n')
		cur.items = append(cur.items, i)
	}
	if len(cur.items) > 0 {
		chunks = append(chunks, cur)
	}
	for k, ch := range chunks {
		seen := make([]bool, len(ch.items))
		err := c.runBulk(ctx, Document(op), ch.buf.Bytes(), func(line int, data json.RawMessage, lineErr error) {
			if line < 0 || line >= len(ch.items) {
				return
			}
			seen[line] = true
			onItem(ch.items[line], data, lineErr)
		})
		if err != nil {
			if k == 0 {
				return err
			}
			for _, later := range chunks[k:] {
				for _, i := range later.items {
					onItem(i, nil, err)
				}
			}
			return nil
		}
		for line, i := range ch.items {
			if !seen[line] {
				onItem(i, nil, fmt.Errorf("%w: %w", errNoResult, ErrUnavailable))
			}
		}
	}
	return nil
}

// Terminal bulk operation statuses.
var bulkDone = map[string]bool{"COMPLETED": true, "FAILED": true, "CANCELED": true, "EXPIRED": true}

type bulkOperation struct {
	ID             string  `json:"id"`
	Status         string  `json:"status"`
	ErrorCode      *string `json:"errorCode"`
	URL            *string `json:"url"`
	PartialDataURL *string `json:"partialDataUrl"`
}

// runBulk stages jsonl, runs mutation over it as one bulk operation, waits
// for it and calls onLine for every result line (its 0-based line number,
// the line's data, or the line's GraphQL errors). An error means the
// operation did not complete; lines of a failed operation with partial
// data are still reported.
func (c *Client) runBulk(ctx context.Context, mutation string, jsonl []byte, onLine func(line int, data json.RawMessage, err error)) error {
	path, err := c.stage(ctx, jsonl)
	if err != nil {
		return err
	}
	var run struct {
		BulkOperationRunMutation struct {
			BulkOperation *bulkOperation `json:"bulkOperation"`
			UserErrors    []UserError    `json:"userErrors"`
		} `json:"bulkOperationRunMutation"`
	}
	if err := c.Do(ctx, OpBulkOperationRunMutation, map[string]any{"mutation": mutation, "stagedUploadPath": path, "clientIdentifier": "intcomex-connector"}, &run); err != nil {
		return err
	}
	if err := userErrorsErr(run.BulkOperationRunMutation.UserErrors); err != nil {
		return fmt.Errorf("shopify: bulk operation: %w", err)
	}
	op := run.BulkOperationRunMutation.BulkOperation
	if op == nil {
		return fmt.Errorf("shopify: bulk operation: not started: %w", ErrUnavailable)
	}
	c.log.InfoContext(ctx, "shopify: bulk operation started", "shop_domain", c.cfg.Shop, "bulk_operation", op.ID, "bytes", len(jsonl))
	wait := c.cfg.PollInterval
	for !bulkDone[op.Status] {
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return fmt.Errorf("shopify: bulk operation %s: %w", op.ID, err)
		}
		wait = min(wait*3/2, 10*c.cfg.PollInterval)
		var d struct {
			BulkOperation *bulkOperation `json:"bulkOperation"`
		}
		if err := c.Do(ctx, OpBulkOperation, map[string]any{"id": op.ID}, &d); err != nil {
			return err
		}
		if d.BulkOperation == nil {
			return fmt.Errorf("shopify: bulk operation %s vanished: %w", op.ID, ErrUnavailable)
		}
		op = d.BulkOperation
	}
	c.log.InfoContext(ctx, "shopify: bulk operation finished", "shop_domain", c.cfg.Shop, "bulk_operation", op.ID, "status", op.Status)
	url := op.URL
	if url == nil {
		url = op.PartialDataURL
	}
	var readErr error
	if url != nil && *url != "" {
		readErr = c.readResults(ctx, *url, onLine)
	}
	if op.Status != "COMPLETED" {
		code := ""
		if op.ErrorCode != nil {
			code = *op.ErrorCode
		}
		return fmt.Errorf("shopify: bulk operation %s %s %s: %w", op.ID, op.Status, code, ErrUnavailable)
	}
	return readErr
}

// stage reserves an upload target and uploads jsonl to it (multipart POST:
// the target's parameters, then the file), returning the stagedUploadPath.
// The upload goes to Shopify's storage, without the access token.
func (c *Client) stage(ctx context.Context, jsonl []byte) (string, error) {
	var d struct {
		StagedUploadsCreate struct {
			StagedTargets []struct {
				URL        string `json:"url"`
				Parameters []struct {
					Name  string `json:"name"`
					Value string `json:"value"`
				} `json:"parameters"`
			} `json:"stagedTargets"`
			UserErrors []UserError `json:"userErrors"`
		} `json:"stagedUploadsCreate"`
	}
	in := []map[string]any{{"resource": "BULK_MUTATION_VARIABLES", "filename": "products.jsonl", "mimeType": "text/jsonl", "httpMethod": "POST"}}
	if err := c.Do(ctx, OpStagedUploadsCreate, map[string]any{"input": in}, &d); err != nil {
		return "", err
	}
	if err := userErrorsErr(d.StagedUploadsCreate.UserErrors); err != nil {
		return "", fmt.Errorf("shopify: staged upload: %w", err)
	}
	if len(d.StagedUploadsCreate.StagedTargets) != 1 {
		return "", fmt.Errorf("shopify: staged upload: %d targets: %w", len(d.StagedUploadsCreate.StagedTargets), ErrUnavailable)
	}
	t := d.StagedUploadsCreate.StagedTargets[0]
	var key string
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range t.Parameters {
		if p.Name == "key" {
			key = p.Value
		}
		if err := mw.WriteField(p.Name, p.Value); err != nil {
			return "", fmt.Errorf("shopify: staged upload: %w", err)
		}
	}
	if key == "" {
		return "", fmt.Errorf("shopify: staged upload: target without key: %w", ErrUnavailable)
	}
	fw, err := mw.CreateFormFile("file", "products.jsonl")
	if err != nil {
		return "", fmt.Errorf("shopify: staged upload: %w", err)
	}
	fw.Write(jsonl) //nolint:errcheck // bytes.Buffer writes do not fail
	if err := mw.Close(); err != nil {
		return "", fmt.Errorf("shopify: staged upload: %w", err)
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body.Bytes()))
		if err != nil {
			return "", fmt.Errorf("shopify: staged upload: %w", err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := c.http.Do(req)
		status := 0
		if err == nil {
			msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
			resp.Body.Close()
			status = resp.StatusCode
			if status/100 == 2 {
				return key, nil
			}
			err = &APIError{Operation: "upload", Status: status, Message: strings.TrimSpace(string(msg))}
		} else if ctx.Err() != nil {
			return "", fmt.Errorf("shopify: staged upload: %w", ctx.Err())
		}
		// The upload is idempotent (same key, same content): retry network errors and 5xx.
		if (status != 0 && status < 500) || attempt >= c.cfg.MaxRetries {
			return "", err
		}
		if err := c.backoff(ctx, "upload", attempt+1, 0, err); err != nil {
			return "", err
		}
	}
}

// readResults downloads a bulk result file and reports each line.
func (c *Client) readResults(ctx context.Context, url string, onLine func(int, json.RawMessage, error)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("shopify: bulk results: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("shopify: bulk results: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return &APIError{Operation: "download", Status: resp.StatusCode, Message: strings.TrimSpace(string(msg))}
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var l struct {
			Data       json.RawMessage `json:"data"`
			Errors     []GraphQLError  `json:"errors"`
			LineNumber *int            `json:"__lineNumber"`
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return fmt.Errorf("shopify: bulk results: %w", err)
		}
		if l.LineNumber == nil {
			continue
		}
		var lineErr error
		if len(l.Errors) > 0 {
			msgs := make([]string, len(l.Errors))
			for i, e := range l.Errors {
				msgs[i] = e.Message
			}
			lineErr = &APIError{Operation: "bulk line", Status: http.StatusOK, Code: l.Errors[0].Extensions.Code, Message: strings.Join(msgs, "; ")}
		}
		onLine(*l.LineNumber, l.Data, lineErr)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("shopify: bulk results: %w", err)
	}
	return nil
}
