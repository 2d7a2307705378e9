from django import forms

class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        # ruleid: python-django-modelform-all-fields
        fields = "__all__"

class ProfileForm2(forms.ModelForm):
    class Meta:
        model = Profile
        # ok: python-django-modelform-all-fields
        fields = ["display_name", "bio"]
