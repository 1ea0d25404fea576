package shopifytest

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// setFiles resolves productSet's files (FileSetInput): {id} is an existing file, {originalSource}
// makes a new one (the source is sideloaded, once per input: sending the same source again makes
// another file, as Shopify does). It returns the file ids in order, or userErrors.
func (s *Server) setFiles(in []map[string]any) ([]string, []obj) {
	ids := make([]string, 0, len(in))
	var ues []obj
	for i, f := range in {
		field := func(k string) []string { return []string{"input", "files", fmt.Sprint(i), k} }
		id, src := str(f["id"]), str(f["originalSource"])
		switch {
		case id != "" && src != "":
			ues = append(ues, userErr(field("id"), "Specify either an id or an originalSource, not both", "INVALID"))
		case id != "":
			if s.st.files[id] == nil {
				ues = append(ues, userErr(field("id"), "File id "+id+" does not exist.", "FILE_DOES_NOT_EXIST"))
			}
			ids = append(ids, id)
		case src != "":
			if u, err := url.Parse(src); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				ues = append(ues, userErr(field("originalSource"), "Image URL is invalid", "INVALID_IMAGE_SOURCE_URL"))
			}
			ids = append(ids, "") // made below, once the whole list is valid
		default:
			ues = append(ues, userErr(field("originalSource"), "An id or an originalSource is required", "MISSING_ARGUMENTS"))
		}
	}
	if len(ues) > 0 {
		return nil, ues
	}
	for i, f := range in {
		if ids[i] != "" {
			continue
		}
		src := str(f["originalSource"])
		name := str(f["filename"])
		if name == "" {
			name = path.Base(strings.SplitN(src, "?", 2)[0])
		}
		file := &File{ID: s.gid("MediaImage"), Source: src, Filename: name, Alt: str(f["alt"])}
		s.st.files[file.ID] = file
		s.st.uploads[src]++
		ids[i] = file.ID
	}
	return ids, nil
}

func (s *Server) fileObj(f *File) obj {
	u := s.srv.URL + "/cdn/shop/files/" + url.PathEscape(f.Filename) + "?v=1"
	return obj{"__typename": "MediaImage", "id": f.ID, "alt": f.Alt, "mediaContentType": "IMAGE", "status": "READY",
		"fileStatus": "READY", "image": obj{"__typename": "Image", "url": u, "altText": f.Alt}}
}

// fileDelete deletes files and detaches them from every product, all or nothing: an id that
// does not exist fails the call.
func (s *Server) fileDelete(args map[string]any) obj {
	ids := strs(args["fileIds"])
	for _, id := range ids {
		if s.st.files[id] == nil {
			return obj{"deletedFileIds": nil, "userErrors": []obj{userErr([]string{"fileIds"}, "File id "+id+" does not exist.", "FILE_DOES_NOT_EXIST")}}
		}
	}
	for _, id := range ids {
		delete(s.st.files, id)
		for _, p := range s.st.products {
			for k := 0; k < len(p.Media); k++ {
				if p.Media[k] == id {
					p.Media = append(p.Media[:k], p.Media[k+1:]...)
					k--
				}
			}
		}
	}
	return obj{"deletedFileIds": ids, "userErrors": []obj{}}
}

// Files returns every file of the shop, by id.
func (s *Server) Files() map[string]File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]File, len(s.st.files))
	for id, f := range s.st.files {
		out[id] = *f
	}
	return out
}

// Uploads returns how many files were made from each originalSource.
func (s *Server) Uploads() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.st.uploads))
	for k, v := range s.st.uploads {
		out[k] = v
	}
	return out
}
