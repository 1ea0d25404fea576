package shopifytest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

type bulkOp struct {
	id, typ, status, query, errorCode string
	created, completed                time.Time
	objects                           int
	result                            []byte
}

func (s *Server) stagedUploadsCreate(args map[string]any) obj {
	var targets []obj
	for _, in := range objs(args["input"]) {
		key := "tmp/21759409/bulk/" + randomHex(8) + "/" + str(in["filename"])
		s.st.staged[key] = nil
		method := str(in["httpMethod"])
		url := s.srv.URL + "/staged-uploads/"
		params := []obj{{"name": "Content-Type", "value": str(in["mimeType"])}, {"name": "success_action_status", "value": "201"},
			{"name": "acl", "value": "private"}, {"name": "key", "value": key}, {"name": "x-goog-signature", "value": randomHex(16)}}
		if method == "PUT" || method == "" {
			url += key
			params = []obj{{"name": "content_type", "value": str(in["mimeType"])}, {"name": "acl", "value": "private"}}
		}
		targets = append(targets, obj{"url": url, "resourceUrl": url, "parameters": params})
	}
	return obj{"stagedTargets": targets, "userErrors": []obj{}}
}

// handleStagedPOST is the storage bucket's form upload: every parameter as
// a field, then the file.
func (s *Server) handleStagedPOST(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		http.Error(w, "<Error><Code>InvalidArgument</Code></Error>", http.StatusBadRequest)
		return
	}
	key := r.FormValue("key")
	f, _, err := r.FormFile("file")
	if err != nil {
		http.Error(w, "<Error><Code>InvalidArgument</Code><Message>file missing</Message></Error>", http.StatusBadRequest)
		return
	}
	defer f.Close()
	if !s.storeStaged(w, key, f) {
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, "<PostResponse><Bucket>shopify-staged-uploads</Bucket><Key>%s</Key></PostResponse>", key)
}

func (s *Server) handleStagedPUT(w http.ResponseWriter, r *http.Request) {
	if s.storeStaged(w, r.PathValue("key"), r.Body) {
		w.WriteHeader(http.StatusOK)
	}
}

func (s *Server) storeStaged(w http.ResponseWriter, key string, body io.Reader) bool {
	b, err := io.ReadAll(io.LimitReader(body, 20<<20+1))
	if err != nil || len(b) > 20<<20 {
		http.Error(w, "<Error><Code>EntityTooLarge</Code></Error>", http.StatusBadRequest)
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.staged[key]; !ok {
		http.Error(w, "<Error><Code>AccessDenied</Code></Error>", http.StatusForbidden)
		return false
	}
	s.st.staged[key] = b
	return true
}

func (s *Server) bulkRun(args map[string]any) obj {
	fail := func(field, msg, code string) obj {
		return obj{"bulkOperation": nil, "userErrors": []obj{userErr([]string{field}, msg, code)}}
	}
	text := str(args["mutation"])
	doc, errs := gqlparser.LoadQueryWithRules(s.schema, text, s.rules)
	if errs != nil {
		return fail("mutation", "Invalid mutation: "+errs.Error(), "INVALID_MUTATION")
	}
	if len(doc.Operations) != 1 || doc.Operations[0].Operation != ast.Mutation || len(doc.Operations[0].SelectionSet) != 1 {
		return fail("mutation", "Bulk mutations must contain exactly one mutation field", "INVALID_MUTATION")
	}
	data, ok := s.st.staged[str(args["stagedUploadPath"])]
	if !ok || data == nil {
		return fail("stagedUploadPath", "The JSONL file could not be found. Try uploading the file again, and check that you've entered the URL correctly for the stagedUploadPath mutation argument.", "NO_SUCH_FILE")
	}
	running := 0
	for _, b := range s.st.bulk {
		if b.typ == "MUTATION" && (b.status == "RUNNING" || b.status == "CREATED") {
			running++
		}
	}
	if running >= 5 {
		return fail("mutation", "A bulk mutation operation for this app and shop is already in progress", "LIMIT_REACHED")
	}
	b := &bulkOp{id: s.gid("BulkOperation"), typ: "MUTATION", status: "RUNNING", query: text, created: s.now()}
	s.st.bulk = append(s.st.bulk, b)
	s.wg.Add(1)
	go s.runBulk(b, doc.Operations[0], data)
	return obj{"bulkOperation": s.bulkObj(b), "userErrors": []obj{}}
}

// runBulk executes the mutation once per JSONL line, without cost, and
// writes {"data":…,"__lineNumber":n} result lines.
func (s *Server) runBulk(b *bulkOp, op *ast.OperationDefinition, data []byte) {
	defer s.wg.Done()
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 20<<20)
	n, failed := 0, false
	for line := 0; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		if s.cfg.BulkLineDelay > 0 {
			time.Sleep(s.cfg.BulkLineDelay)
		}
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.UseNumber()
		var vars map[string]any
		res := map[string]any{"__lineNumber": line}
		if err := dec.Decode(&vars); err != nil {
			res["errors"] = []gqlError{{Message: "Invalid JSONL: " + err.Error()}}
		} else {
			s.mu.Lock()
			d, errs, hooks := s.run(op, vars, false)
			s.mu.Unlock()
			s.deliver(hooks)
			res["data"] = d
			if len(errs) > 0 {
				res["errors"] = errs
			}
		}
		line, _ := json.Marshal(res)
		out.Write(line)
		out.WriteByte('\n')
		n++
	}
	if sc.Err() != nil {
		failed = true
	}
	s.mu.Lock()
	b.result, b.objects, b.completed = out.Bytes(), n, s.now()
	b.status = "COMPLETED"
	if failed {
		b.status, b.errorCode = "FAILED", "INTERNAL_SERVER_ERROR"
	}
	hooks := s.hooksFor("BULK_OPERATIONS_FINISH", map[string]any{"admin_graphql_api_id": b.id, "status": strings.ToLower(b.status),
		"type": "mutation", "completed_at": b.completed.Format(time.RFC3339), "error_code": nil})
	s.mu.Unlock()
	s.changed()
	s.deliver(hooks)
}

func (s *Server) bulkByID(id string) *bulkOp {
	for _, b := range s.st.bulk {
		if b.id == id {
			return b
		}
	}
	return nil
}

func (s *Server) bulkObj(b *bulkOp) obj {
	o := obj{"__typename": "BulkOperation", "id": b.id, "status": b.status, "type": b.typ, "query": b.query,
		"createdAt": b.created.Format(time.RFC3339), "completedAt": nil, "errorCode": nil,
		"objectCount": fmt.Sprint(b.objects), "rootObjectCount": fmt.Sprint(b.objects), "fileSize": nil, "url": nil, "partialDataUrl": nil}
	if b.errorCode != "" {
		o["errorCode"] = b.errorCode
	}
	if b.status == "COMPLETED" {
		o["completedAt"] = b.completed.Format(time.RFC3339)
		o["fileSize"] = fmt.Sprint(len(b.result))
		o["url"] = s.srv.URL + "/bulk-results/" + b.id[strings.LastIndex(b.id, "/")+1:] + ".jsonl"
	}
	return o
}

func (s *Server) handleBulkResult(w http.ResponseWriter, r *http.Request) {
	id := "gid://shopify/BulkOperation/" + strings.TrimSuffix(r.PathValue("id"), ".jsonl")
	s.mu.Lock()
	b := s.bulkByID(id)
	var data []byte
	if b != nil {
		data = b.result
	}
	s.mu.Unlock()
	if b == nil || data == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/jsonl")
	_, _ = w.Write(data)
}
