package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Image states (shop_images.state).
const (
	// ImageUploading: an upload of the URL was sent and its outcome is not known yet. A push
	// that is interrupted leaves the row; the next one looks for the image on the product
	// (SKU, ProductID) before sending it again.
	ImageUploading = "uploading"
	// ImageReady: MediaID is the storefront's copy of the URL.
	ImageReady = "ready"
	// ImageOrphan: no listing uses the image any more and the shop could not delete it (or
	// has not yet): it stays on the storefront under MediaID, and is reused if a listing wants
	// the URL again.
	ImageOrphan = "orphan"
)

// ImagesLegacy is the ImagesHash of a listing pushed before images were tracked (migration
// 00009): its images were sent with the product.
const ImagesLegacy = "legacy"

// ShopImage is one image the connector uploaded to a shop: its source URL and the storefront's
// media id. Only images the connector uploaded are ever recorded, so only they are ever deleted.
type ShopImage struct {
	ID      int64
	ShopID  int64
	URL     string
	MediaID string
	State   string
	// SKU and ProductID are the product the upload went out with.
	SKU, ProductID string
	// UpdatedAt is when the row was last written: for an upload, when it went out. Saving a
	// row with a zero UpdatedAt stamps it with the store's clock.
	UpdatedAt time.Time
}

type shopImageRow struct {
	ID        int64     `gorm:"column:id;primaryKey"`
	ShopID    int64     `gorm:"column:shop_id"`
	URLHash   string    `gorm:"column:url_hash"`
	URL       string    `gorm:"column:url"`
	MediaID   string    `gorm:"column:media_id"`
	State     string    `gorm:"column:state"`
	SKU       string    `gorm:"column:sku"`
	ProductID string    `gorm:"column:product_id"`
	CreatedAt time.Time `gorm:"column:created_at"`
	UpdatedAt time.Time `gorm:"column:updated_at"`
}

func (shopImageRow) TableName() string { return "shop_images" }

func (r shopImageRow) image() ShopImage {
	return ShopImage{ID: r.ID, ShopID: r.ShopID, URL: r.URL, MediaID: r.MediaID, State: r.State, SKU: r.SKU,
		ProductID: r.ProductID, UpdatedAt: r.UpdatedAt.UTC()}
}

type imageUseRow struct {
	ShopID  int64  `gorm:"column:shop_id;primaryKey"`
	SKU     string `gorm:"column:sku;primaryKey"`
	URLHash string `gorm:"column:url_hash;primaryKey"`
}

func (imageUseRow) TableName() string { return "shop_image_uses" }

// URLHash is the key of an image URL in shop_images: hex SHA-256 (URLs are too long to index).
func URLHash(url string) string {
	h := sha256.Sum256([]byte(url))
	return hex.EncodeToString(h[:])
}

func validImageState(s string) bool {
	return s == ImageUploading || s == ImageReady || s == ImageOrphan
}

// ShopImages returns the shop's recorded images of these URLs, keyed by URL; URLs never
// uploaded are absent.
func (s *Store) ShopImages(ctx context.Context, shopID int64, urls []string) (map[string]ShopImage, error) {
	out := make(map[string]ShopImage, len(urls))
	const chunk = 500
	for start := 0; start < len(urls); start += chunk {
		part := urls[start:min(start+chunk, len(urls))]
		hashes := make([]string, len(part))
		for i, u := range part {
			hashes[i] = URLHash(u)
		}
		var rows []shopImageRow
		if err := s.db.WithContext(ctx).Where("shop_id = ? AND url_hash IN ?", shopID, hashes).Find(&rows).Error; err != nil {
			return nil, fmt.Errorf("store: shop images: %w", err)
		}
		for _, r := range rows {
			out[r.URL] = r.image()
		}
	}
	return out, nil
}

// ShopImagesPage returns up to limit of the shop's images in state with an id above afterID,
// by id.
func (s *Store) ShopImagesPage(ctx context.Context, shopID int64, state string, afterID int64, limit int) ([]ShopImage, error) {
	if limit <= 0 || !validImageState(state) {
		return nil, fmt.Errorf("store: shop images page: %w: state %q limit %d", ErrInvalid, state, limit)
	}
	var rows []shopImageRow
	err := s.db.WithContext(ctx).Where("shop_id = ? AND state = ? AND id > ?", shopID, state, afterID).
		Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: shop images page: %w", err)
	}
	out := make([]ShopImage, len(rows))
	for i, r := range rows {
		out[i] = r.image()
	}
	return out, nil
}

// UnusedShopImages returns up to limit of the shop's ready images (id above afterID, by id) that
// no listing uses (SaveImageBatch's uses): the orphan candidates.
func (s *Store) UnusedShopImages(ctx context.Context, shopID, afterID int64, limit int) ([]ShopImage, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("store: unused shop images: %w: limit %d", ErrInvalid, limit)
	}
	var rows []shopImageRow
	err := s.db.WithContext(ctx).
		Where("shop_id = ? AND state = ? AND id > ?", shopID, ImageReady, afterID).
		Where("NOT EXISTS (SELECT 1 FROM shop_image_uses u WHERE u.shop_id = shop_images.shop_id AND u.url_hash = shop_images.url_hash)").
		Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: unused shop images: %w", err)
	}
	out := make([]ShopImage, len(rows))
	for i, r := range rows {
		out[i] = r.image()
	}
	return out, nil
}

// ListingImages returns the shop's recorded images that the listing of sku shows (SaveImageBatch's
// uses), by URL.
func (s *Store) ListingImages(ctx context.Context, shopID int64, sku string) ([]ShopImage, error) {
	var rows []shopImageRow
	err := s.db.WithContext(ctx).
		Where("shop_id = ? AND url_hash IN (SELECT u.url_hash FROM shop_image_uses u WHERE u.shop_id = ? AND u.sku = ?)", shopID, shopID, sku).
		Order("url").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: listing images: %w", err)
	}
	out := make([]ShopImage, len(rows))
	for i, r := range rows {
		out[i] = r.image()
	}
	return out, nil
}

// ImageBatch is what one step of the image pass records, in one transaction: image rows to
// write (inserted or overwritten by URL), URLs to forget, the image lists the listings now show
// (Uses: SKU → URLs, replacing what the SKU used) and the listings themselves.
type ImageBatch struct {
	ShopID   int64
	Images   []ShopImage
	Forget   []string
	Uses     map[string][]string
	Listings []Listing
}

// SaveImageBatch writes b in one transaction.
func (s *Store) SaveImageBatch(ctx context.Context, b ImageBatch) error {
	if b.ShopID <= 0 {
		return fmt.Errorf("store: save image batch: %w: shop %d", ErrInvalid, b.ShopID)
	}
	now := s.now()
	rows := make([]shopImageRow, 0, len(b.Images))
	for _, im := range b.Images {
		if im.URL == "" || !validImageState(im.State) || (im.State != ImageUploading && im.MediaID == "") {
			return fmt.Errorf("store: save image batch: %w: image %q state %q media %q", ErrInvalid, im.URL, im.State, im.MediaID)
		}
		at := now
		if !im.UpdatedAt.IsZero() {
			at = im.UpdatedAt.UTC()
		}
		rows = append(rows, shopImageRow{ShopID: b.ShopID, URLHash: URLHash(im.URL), URL: im.URL, MediaID: im.MediaID,
			State: im.State, SKU: im.SKU, ProductID: im.ProductID, CreatedAt: at, UpdatedAt: at})
	}
	listings := make([]listingRow, len(b.Listings))
	for i, l := range b.Listings {
		if l.ShopID != b.ShopID || l.SKU == "" || !validListingState(l.State) {
			return fmt.Errorf("store: save image batch: %w: listing %d/%q state %q", ErrInvalid, l.ShopID, l.SKU, l.State)
		}
		listings[i] = listingToRow(l, now)
		listings[i].ID = 0
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if len(rows) > 0 {
			err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "shop_id"}, {Name: "url_hash"}},
				DoUpdates: clause.AssignmentColumns([]string{"media_id", "state", "sku", "product_id", "updated_at"}),
			}).CreateInBatches(&rows, 200).Error
			if err != nil {
				return err
			}
		}
		if len(b.Forget) > 0 {
			hashes := make([]string, len(b.Forget))
			for i, u := range b.Forget {
				hashes[i] = URLHash(u)
			}
			if err := tx.Where("shop_id = ? AND url_hash IN ?", b.ShopID, hashes).Delete(&shopImageRow{}).Error; err != nil {
				return err
			}
		}
		if len(b.Uses) > 0 {
			skus := make([]string, 0, len(b.Uses))
			var uses []imageUseRow
			for sku, urls := range b.Uses {
				skus = append(skus, sku)
				seen := map[string]bool{}
				for _, u := range urls {
					if h := URLHash(u); !seen[h] {
						seen[h] = true
						uses = append(uses, imageUseRow{ShopID: b.ShopID, SKU: sku, URLHash: h})
					}
				}
			}
			if err := tx.Where("shop_id = ? AND sku IN ?", b.ShopID, skus).Delete(&imageUseRow{}).Error; err != nil {
				return err
			}
			if len(uses) > 0 {
				if err := tx.CreateInBatches(&uses, 500).Error; err != nil {
					return err
				}
			}
		}
		return upsertListings(tx, listings)
	})
	if err != nil {
		return fmt.Errorf("store: save image batch: %w", err)
	}
	return nil
}

// ImageCounts counts the shop's recorded images by state.
func (s *Store) ImageCounts(ctx context.Context, shopID int64) (map[string]int, error) {
	var rows []struct {
		State string `gorm:"column:state"`
		N     int    `gorm:"column:n"`
	}
	err := s.db.WithContext(ctx).Model(&shopImageRow{}).Select("state, COUNT(*) AS n").
		Where("shop_id = ?", shopID).Group("state").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: image counts: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}
