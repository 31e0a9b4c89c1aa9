"""Vocabulary labels in every language of settings.LANGUAGES (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from programs.models import Accreditation, Condition, Insurance, Language, Modality, Population


@register([Condition, Modality, Insurance, Population, Language, Accreditation])
class VocabularyTranslation(TranslationOptions):
    """A term's name per language; the slug, which URLs and the API rely on, stays one."""

    fields = ("name",)
