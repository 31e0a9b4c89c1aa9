"""What the shortlists API reads and writes: shortlists, their items and share links."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching.shortlists.models import MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH, ShareLink, Shortlist
from matching.shortlists.selectors import share_link_current
from programs.models import Program


class ShareLinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="The patient's page; anyone with it can open it."
    )
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = ShareLink
        fields = ["url", "pdf_url", "created_at", "expires_at", "last_opened_at"]

    def _absolute(self, name: str, link: ShareLink) -> str:
        location = reverse(name, kwargs={"token": link.token})
        request = self.context.get("request")
        return request.build_absolute_uri(location) if request else location

    def get_url(self, link: ShareLink) -> str:
        return self._absolute("share:page", link)

    def get_pdf_url(self, link: ShareLink) -> str:
        return self._absolute("share:pdf", link)


class ShortlistItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    program = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Program.objects.published(),
        help_text="The programme's slug, as in /api/v1/programs/.",
        error_messages={"does_not_exist": _("No published programme has the slug “{value}”.")},
    )
    program_name = serializers.CharField(source="program.name", read_only=True)
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default=""
    )
    position = serializers.IntegerField(read_only=True)


class ShortlistItemNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True)


class ShortlistSerializer(serializers.ModelSerializer):
    items = ShortlistItemSerializer(many=True, read_only=True)
    share_link = serializers.SerializerMethodField()

    class Meta:
        model = Shortlist
        fields = [
            "id",
            "title",
            "patient_label",
            "message",
            "match_answers",
            "items",
            "share_link",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["match_answers", "created_at", "updated_at"]
        extra_kwargs = {
            "patient_label": {
                "help_text": "Optional, for the clinician only. Never a name or other identifying detail."
            },
            "message": {"max_length": MESSAGE_MAX_LENGTH},
        }

    @extend_schema_field(ShareLinkSerializer(allow_null=True))
    def get_share_link(self, shortlist: Shortlist) -> dict | None:
        link = share_link_current(shortlist=shortlist)
        return ShareLinkSerializer(link, context=self.context).data if link else None

    def validate_title(self, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise serializers.ValidationError(_("Give the shortlist a title."))
        return value


class ShortlistSummarySerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Shortlist
        fields = ["id", "title", "patient_label", "item_count", "updated_at"]


class ReorderSerializer(serializers.Serializer):
    item_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Every item id of the shortlist, in the new order.",
    )


class ShareCreateSerializer(serializers.Serializer):
    days = serializers.IntegerField(
        min_value=1,
        max_value=settings.SHORTLIST_SHARE_MAX_DAYS,
        default=settings.SHORTLIST_SHARE_DEFAULT_DAYS,
        help_text="How many days the link works. A new link stops the previous one working.",
    )


class ShareEmailSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="Used once to send the link; not stored.")
