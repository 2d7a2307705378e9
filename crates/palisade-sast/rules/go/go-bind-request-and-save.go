package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func Update(c *gin.Context) {
	var user User
	if err := c.ShouldBindJSON(&user); err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": err.Error()})
		return
	}
	// ruleid: go-bind-request-and-save
	db.Save(&user)
	c.JSON(http.StatusOK, user)
}

func Patch(c *gin.Context) {
	var current User
	db.First(&current, c.Param("id"))
	var changes User
	err := c.BindJSON(&changes)
	if err != nil {
		return
	}
	// ruleid: go-bind-request-and-save
	db.Model(&current).Updates(&changes)
}

func Register(c *gin.Context) {
	var account Account
	c.Bind(&account)
	// ruleid: go-bind-request-and-save
	db.Create(&account)
}

func UpdateSafe(c *gin.Context) {
	var in ProfileInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return
	}
	// ok: go-bind-request-and-save
	db.Model(&current).Updates(User{DisplayName: in.DisplayName})
}

func RegisterSafe(c *gin.Context) {
	var in SignupInput
	if err := c.ShouldBindJSON(&in); err != nil {
		return
	}
	account := Account{Email: in.Email, Name: in.Name}
	// ok: go-bind-request-and-save
	db.Create(&account)
}
