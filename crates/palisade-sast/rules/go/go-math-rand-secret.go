package tok

import (
	"fmt"
	"math/rand"
)

func Reset() (string, int) {
	// ruleid: go-math-rand-secret
	resetToken := fmt.Sprintf("%x", rand.Int63())
	// ok: go-math-rand-secret
	backoffMs := rand.Intn(100)
	return resetToken, backoffMs
}
