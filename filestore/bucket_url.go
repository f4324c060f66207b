package filestore

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// BucketConfig is a parsed --files-url.
type BucketConfig struct {
	Bucket   string
	Prefix   string // "" or ending in "/": the folder of the bucket our files live in
	Endpoint string // host[:port]
	Secure   bool   // https
	Region   string // "" lets the client ask the store
	creds    *credentials.Credentials
}

// ParseBucketURL reads a files URL,
//
//	s3://[ACCESS_KEY:SECRET_KEY@]BUCKET[/PREFIX]?endpoint=URL&region=R
//
// endpoint is the store's address (http://host:port or https://host);
// without it, AWS S3. The credentials are the URL's user information when
// it has some, otherwise AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and
// AWS_SESSION_TOKEN), then ~/.aws/credentials, then an EC2 or ECS role.
// Errors say what is wrong without repeating the secret.
func ParseBucketURL(raw string) (BucketConfig, error) {
	var c BucketConfig
	u, err := url.Parse(raw)
	if err != nil {
		return c, fmt.Errorf("invalid files URL: want s3://BUCKET[/PREFIX]?endpoint=URL&region=R")
	}
	if u.Scheme != "s3" || u.Host == "" {
		return c, fmt.Errorf("invalid files URL %q: want s3://BUCKET[/PREFIX]?endpoint=URL&region=R", u.Redacted())
	}
	c.Bucket = u.Host
	if p := strings.Trim(u.Path, "/"); p != "" {
		c.Prefix = p + "/"
	}
	q := u.Query()
	for k := range q {
		if k != "endpoint" && k != "region" {
			return c, fmt.Errorf("invalid files URL %q: unknown parameter %q (want endpoint and region)", u.Redacted(), k)
		}
	}
	c.Region = q.Get("region")
	c.Endpoint, c.Secure = "s3.amazonaws.com", true
	if e := q.Get("endpoint"); e != "" {
		eu, err := url.Parse(e)
		if err != nil || (eu.Scheme != "http" && eu.Scheme != "https") || eu.Host == "" || strings.Trim(eu.Path, "/") != "" {
			return c, fmt.Errorf("invalid files URL %q: endpoint %q: want http://host:port or https://host", u.Redacted(), e)
		}
		c.Endpoint, c.Secure = eu.Host, eu.Scheme == "https"
	}
	if u.User != nil {
		secret, _ := u.User.Password()
		if u.User.Username() == "" || secret == "" {
			return c, fmt.Errorf("invalid files URL %q: credentials in the URL need both ACCESS_KEY:SECRET_KEY", u.Redacted())
		}
		c.creds = credentials.NewStaticV4(u.User.Username(), secret, "")
	} else {
		c.creds = credentials.NewChainCredentials([]credentials.Provider{
			&credentials.EnvAWS{}, &credentials.FileAWSCredentials{}, &credentials.IAM{},
		})
	}
	// The bucket name is checked by the client, the prefix here: keys are
	// PREFIX + 32 hexadecimal digits.
	if _, err := minio.New(c.Endpoint, &minio.Options{Creds: c.creds, Secure: c.Secure, Region: c.Region}); err != nil {
		return c, fmt.Errorf("invalid files URL %q: %w", u.Redacted(), err)
	}
	return c, nil
}

// String is the URL without credentials, for logs and messages.
func (c BucketConfig) String() string {
	scheme := "http"
	if c.Secure {
		scheme = "https"
	}
	s := "s3://" + c.Bucket + "/" + c.Prefix + "?endpoint=" + scheme + "://" + c.Endpoint
	if c.Region != "" {
		s += "&region=" + c.Region
	}
	return s
}
