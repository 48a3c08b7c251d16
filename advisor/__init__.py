"""The programme advisor: Postgraduate Certificate, Diploma or Masters in medical education."""
