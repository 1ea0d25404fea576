package users

import "time"

// UserJSON is a user as `connector user list --json` prints one and the JSON API gives one.
type UserJSON struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Role        string     `json:"role"`
	Language    string     `json:"language"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at"` // null before the first login
}

// AsJSON is x as UserJSON, its times in UTC.
func (x User) AsJSON() UserJSON {
	j := UserJSON{ID: x.ID, Email: x.Email, Role: string(x.Role), Language: x.Language, CreatedAt: x.CreatedAt.UTC()}
	if !x.LastLoginAt.IsZero() {
		t := x.LastLoginAt.UTC()
		j.LastLoginAt = &t
	}
	return j
}
