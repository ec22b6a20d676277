package feeddate

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// kst is Korea Standard Time, which Korean blog engines imply.
var kst = time.FixedZone("KST", 9*3600)

var (
	chineseRe   = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?)?$`)
	onblogRe    = regexp.MustCompile(`^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일\s+(\d{1,2}):(\d{2}):(\d{2})$`)
	nateRe      = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})\s+(오전|오후)\s+(\d{1,2}):(\d{2}):(\d{2})$`)
	hungarianRe = regexp.MustCompile(`^(\d{4})-([^-\d]+)-(\d{1,2})T(\d{1,2}):(\d{2})(Z|[+-]\d{1,2}:\d{2})?$`)
)

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// Chinese reads 2006年01月02日 and 2006年1月2日 15:04[:05] in loc.
func Chinese(s string, loc *time.Location) (time.Time, error) {
	m := chineseRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, ErrUnparsable
	}
	return build(atoi(m[1]), atoi(m[2]), atoi(m[3]), atoi(m[4]), atoi(m[5]), atoi(m[6]), 0, loc)
}

// Korean reads the forms of the OnBlog ("2004년 05월 28일 01:31:15") and Nate
// ("2004-05-25 오후 11:23:17") blog engines, which are in Korean time.
func Korean(s string, _ *time.Location) (time.Time, error) {
	if m := onblogRe.FindStringSubmatch(s); m != nil {
		return build(atoi(m[1]), atoi(m[2]), atoi(m[3]), atoi(m[4]), atoi(m[5]), atoi(m[6]), 0, kst)
	}
	if m := nateRe.FindStringSubmatch(s); m != nil {
		h := atoi(m[5])
		if m[4] == "오후" && h < 12 {
			h += 12
		}
		return build(atoi(m[1]), atoi(m[2]), atoi(m[3]), h, atoi(m[6]), atoi(m[7]), 0, kst)
	}
	return time.Time{}, ErrUnparsable
}

var greek = strings.NewReplacer(
	"Κυρ", "Sun", "Δευ", "Mon", "Τρι", "Tue", "Τετ", "Wed", "Πεμ", "Thu", "Παρ", "Fri", "Σαβ", "Sat",
	"Ιαν", "Jan", "Φεβ", "Feb", "Μάώ", "Mar", "Μαώ", "Mar", "Απρ", "Apr", "Μάι", "May", "Μαϊ", "May",
	"Μαι", "May", "Ιούν", "Jun", "Ιον", "Jun", "Ιούλ", "Jul", "Ιολ", "Jul", "Αύγ", "Aug", "Αυγ", "Aug",
	"Σεπ", "Sep", "Οκτ", "Oct", "Νοέ", "Nov", "Νοε", "Nov", "Δεκ", "Dec",
)

// Greek reads RFC 822 dates with Greek day and month names.
func Greek(s string, loc *time.Location) (time.Time, error) {
	t := greek.Replace(s)
	if t == s {
		return time.Time{}, ErrUnparsable
	}
	return RFC822(t, loc)
}

var hungarianMonths = map[string]int{
	"január": 1, "február": 2, "március": 3, "április": 4, "május": 5, "június": 6,
	"július": 7, "augusztus": 8, "szeptember": 9, "október": 10, "november": 11, "december": 12,
}

// Hungarian reads "2004-július-13T9:15-05:00".
func Hungarian(s string, loc *time.Location) (time.Time, error) {
	m := hungarianRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, ErrUnparsable
	}
	mo, ok := hungarianMonths[strings.ToLower(m[2])]
	if !ok {
		return time.Time{}, ErrUnparsable
	}
	y, d, h := atoi(m[1]), atoi(m[3]), atoi(m[4])
	zone, ok := zoneFor(m[6], loc, y, mo, d, h)
	if !ok {
		return time.Time{}, ErrUnparsable
	}
	return build(y, mo, d, h, atoi(m[5]), 0, 0, zone)
}
