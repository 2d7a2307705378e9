package api

import "github.com/gin-gonic/gin"

func Update(c *gin.Context) {
	var user User
	if err := c.ShouldBindJSON(&user); err != nil {
		return
	}
	// ruleid: go-bind-request-and-save
	db.Save(&user)
}

func UpdateSafe(c *gin.Context) {
	var in ProfileInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return
	}
	// ok: go-bind-request-and-save
	db.Model(&current).Updates(User{DisplayName: in.DisplayName})
}
